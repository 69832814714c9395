using System.Text.Json;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>JSON written into text columns: camelCase, compact.</summary>
internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
