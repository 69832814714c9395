using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Data Protection's key ring in the service's own database (<c>data_protection_keys</c>), so that a restart, a second
/// app on the same file and a restored backup can all read what was protected. One per app, built from its connection
/// factory; nothing is static.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous. Microsoft.Data.Sqlite opens and queries synchronously underneath its
/// async methods, so waiting on them here blocks no more than a synchronous call would. Npgsql's are truly
/// asynchronous, so on PostgreSQL the wait holds a thread for a round trip; the key ring is read only when Data
/// Protection first needs it and when a key is created, so that is rare. Every instance on one database shares the ring.
/// </remarks>
internal sealed class DatabaseXmlRepository(IDbConnectionFactory connections) : IXmlRepository
{
    private const string SelectKeys = "SELECT xml FROM data_protection_keys ORDER BY friendly_name";

    private const string InsertKey = """
        INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@FriendlyName, @Xml)
        ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml
        """;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = connections.OpenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return [.. connection.Query<string>(SelectKeys).Select(xml => XElement.Parse(xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = connections.OpenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        connection.Execute(InsertKey, new { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
