using System.Data;
using System.Globalization;
using System.Text;
using Dapper;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Stores every <see cref="DateTimeOffset"/> as fixed-width UTC text, so that comparing the text
/// compares the instants, in SQLite and in any server database that a later store adds.
/// </summary>
/// <remarks>
/// An <see cref="SqlMapper.ITypeHandler"/> rather than a <c>TypeHandler&lt;T&gt;</c> so that a null is typed too:
/// PostgreSQL cannot infer the type of an untyped null in <c>@Since IS NULL</c>, and refuses the statement.
/// </remarks>
internal sealed class UtcTimestampHandler : SqlMapper.ITypeHandler
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The length of <see cref="Format"/>'s text, in characters and in UTF-8 bytes alike.</summary>
    public const int Utf8Length = 28;

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Writes the stored form as UTF-8 into <paramref name="destination"/> (at least <see cref="Utf8Length"/> bytes); returns its length.</summary>
    public static int ToUtf8(DateTimeOffset value, Span<byte> destination) =>
        value.UtcDateTime.TryFormat(destination, out var written, Format, CultureInfo.InvariantCulture)
            ? written
            : throw new ArgumentException("The destination is too short for a timestamp.", nameof(destination));

    /// <summary>
    /// Reads the fixed-width form directly (an evaluation reads every event's timestamp, and ParseExact's general
    /// machinery was a measurable share of it); anything else goes through <c>ParseExact</c>, which also reports errors.
    /// </summary>
    public static DateTimeOffset FromText(string text) =>
        TryReadFixedWidth(text, out var value)
            ? value
            : DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The same, from the UTF-8 bytes SQLite holds.</summary>
    public static DateTimeOffset FromUtf8(ReadOnlySpan<byte> utf8)
    {
        Span<char> text = stackalloc char[Utf8Length];
        return utf8.Length == text.Length && Encoding.UTF8.GetChars(utf8, text) == text.Length && TryReadFixedWidth(text, out var value)
            ? value
            : FromText(Encoding.UTF8.GetString(utf8));
    }

    private static bool TryReadFixedWidth(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 28 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[27] != 'Z'
            || !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day)
            || !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second)
            || !TryDigits(text[20..27], out var fraction)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value is DateTimeOffset instant ? ToText(instant) : DBNull.Value;
    }

    public object Parse(Type destinationType, object value) => FromText((string)value);

    /// <summary>Registers the handlers once, at start-up, before any query runs.</summary>
    public static void Register()
    {
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(typeof(DateTimeOffset), new UtcTimestampHandler());
    }
}
