using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// Draws an employee's badges as one SVG for an <c>&lt;img&gt;</c> tag. Every string is written through an XML
/// writer, so a name or description carrying markup is shown as text, never interpreted.
/// </summary>
internal static class BadgeSvg
{
    private const int Width = 240;
    private const int RowHeight = 40;

    public static BadgeImage Render(EmployeeBadges badges)
    {
        var height = Math.Max(1, badges.Badges.Count) * RowHeight + 36;
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false, Encoding = new UTF8Encoding(false) };
        using var text = new MemoryStream();
        using (var xml = XmlWriter.Create(text, settings))
        {
            xml.WriteStartElement("svg", "http://www.w3.org/2000/svg");
            xml.WriteAttributeString("width", Number(Width));
            xml.WriteAttributeString("height", Number(height));
            xml.WriteAttributeString("viewBox", $"0 0 {Width} {height}");
            xml.WriteAttributeString("role", "img");
            xml.WriteAttributeString("aria-label", $"Badges of {badges.DisplayName ?? badges.Employee}");
            xml.WriteElementString("title", "http://www.w3.org/2000/svg", $"Badges of {badges.DisplayName ?? badges.Employee}");
            Text(xml, 8, 22, badges.DisplayName ?? badges.Employee, "#1f2328", 14, bold: true);

            var y = 32;
            if (badges.Badges.Count == 0)
            {
                Text(xml, 8, y + 22, "No badges yet", "#57606a", 12, bold: false);
            }

            foreach (var badge in badges.Badges)
            {
                var (fill, ink) = TierColours.For(badge.Tier, (int)badge.TierRank);
                xml.WriteStartElement("g");
                xml.WriteElementString("title", "http://www.w3.org/2000/svg", $"{badge.Name} ({badge.Tier}): {badge.Description}");
                xml.WriteStartElement("rect");
                xml.WriteAttributeString("x", "4");
                xml.WriteAttributeString("y", Number(y));
                xml.WriteAttributeString("width", Number(Width - 8));
                xml.WriteAttributeString("height", Number(RowHeight - 6));
                xml.WriteAttributeString("rx", "8");
                xml.WriteAttributeString("fill", fill);
                xml.WriteEndElement();
                Text(xml, 14, y + 23, badge.Icon, ink, 16, bold: false);
                Text(xml, 42, y + 22, $"{badge.Name} · {badge.Tier}", ink, 13, bold: true);
                xml.WriteEndElement();
                y += RowHeight;
            }

            xml.WriteEndElement();
        }

        var svg = text.ToArray();
        return new BadgeImage(svg, $"\"{Convert.ToHexStringLower(SHA256.HashData(svg))[..32]}\"");
    }

    private static void Text(XmlWriter xml, int x, int y, string content, string fill, int size, bool bold)
    {
        xml.WriteStartElement("text");
        xml.WriteAttributeString("x", Number(x));
        xml.WriteAttributeString("y", Number(y));
        xml.WriteAttributeString("fill", fill);
        xml.WriteAttributeString("font-family", "system-ui, sans-serif");
        xml.WriteAttributeString("font-size", Number(size));
        if (bold)
        {
            xml.WriteAttributeString("font-weight", "600");
        }

        xml.WriteString(content);
        xml.WriteEndElement();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Tier colours with text contrast of at least 4.5:1. Named metals first; other names by rank.</summary>
internal static class TierColours
{
    private static readonly Dictionary<string, (string Fill, string Ink)> Named = new(StringComparer.Ordinal)
    {
        ["bronze"] = ("#f3d2b3", "#5c2f0e"),
        ["silver"] = ("#e3e6ea", "#30363d"),
        ["gold"] = ("#fbe7a1", "#5a4300"),
        ["platinum"] = ("#d8f0ef", "#1d4d4b"),
        ["diamond"] = ("#dbe8ff", "#0b3b8c"),
    };

    private static readonly (string Fill, string Ink)[] ByRank = [Named["bronze"], Named["silver"], Named["gold"], Named["platinum"], Named["diamond"]];

    public static (string Fill, string Ink) For(string tier, int rank) =>
        Named.TryGetValue(tier, out var colours) ? colours : ByRank[Math.Clamp(rank, 0, ByRank.Length - 1)];
}
