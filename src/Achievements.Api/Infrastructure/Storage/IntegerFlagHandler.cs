using System.Data;
using System.Globalization;
using Dapper;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Stores every <see cref="bool"/> parameter as the integer 0 or 1, which is what the flag columns (<c>is_bot</c>,
/// <c>blocked</c>, ...) hold in both stores. SQLite converts a boolean itself; PostgreSQL refuses to compare or
/// assign a boolean to an integer column, so without this a flag bound from C# would fail only there.
/// </summary>
/// <remarks>An <see cref="SqlMapper.ITypeHandler"/>, so that a null <c>bool?</c> is typed as an integer too.</remarks>
internal sealed class IntegerFlagHandler : SqlMapper.ITypeHandler
{
    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.Int32;
        parameter.Value = value is bool flag ? (flag ? 1 : 0) : DBNull.Value;
    }

    /// <summary>An integer flag from either store, or a real boolean (PostgreSQL's <c>EXISTS</c>, comparisons).</summary>
    public object Parse(Type destinationType, object value) => value is bool flag ? flag : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;

    /// <summary>Registers the handler once, at start-up, before any query runs.</summary>
    public static void Register()
    {
        SqlMapper.RemoveTypeMap(typeof(bool));
        SqlMapper.RemoveTypeMap(typeof(bool?));
        SqlMapper.AddTypeHandler(typeof(bool), new IntegerFlagHandler());
    }
}
