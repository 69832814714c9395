using System.Text;
using System.Xml;
using Achievements.Api.Features.Awards;

namespace Achievements.Api.Features.Credentials;

/// <summary>
/// A badge at a tier as a small SVG, carried in the credential as a data URI (Open Badges 3.0's Image id is "the URI
/// or Data URI of the image"), so that a wallet shows it without fetching anything from the service. Written through
/// an XML writer, as the directory's SVG is, so a badge name carrying markup stays text.
/// </summary>
internal static class AchievementImage
{
    public static string DataUri(string icon, string name, string tier, int tierRank)
    {
        var (fill, ink) = TierColours.For(tier, tierRank);
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) };
        using var text = new MemoryStream();
        using (var xml = XmlWriter.Create(text, settings))
        {
            xml.WriteStartElement("svg", "http://www.w3.org/2000/svg");
            xml.WriteAttributeString("width", "256");
            xml.WriteAttributeString("height", "256");
            xml.WriteAttributeString("viewBox", "0 0 256 256");
            xml.WriteAttributeString("role", "img");
            xml.WriteAttributeString("aria-label", $"{name} ({tier})");
            xml.WriteElementString("title", "http://www.w3.org/2000/svg", $"{name} ({tier})");
            xml.WriteStartElement("circle");
            xml.WriteAttributeString("cx", "128");
            xml.WriteAttributeString("cy", "128");
            xml.WriteAttributeString("r", "120");
            xml.WriteAttributeString("fill", fill);
            xml.WriteAttributeString("stroke", ink);
            xml.WriteAttributeString("stroke-width", "6");
            xml.WriteEndElement();
            Text(xml, 118, 96, icon, ink);
            Text(xml, 190, 28, tier, ink);
            xml.WriteEndElement();
        }

        return $"data:image/svg+xml;base64,{Convert.ToBase64String(text.ToArray())}";
    }

    private static void Text(XmlWriter xml, int y, int size, string content, string ink)
    {
        xml.WriteStartElement("text");
        xml.WriteAttributeString("x", "128");
        xml.WriteAttributeString("y", y.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteAttributeString("text-anchor", "middle");
        xml.WriteAttributeString("fill", ink);
        xml.WriteAttributeString("font-family", "system-ui, sans-serif");
        xml.WriteAttributeString("font-size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteString(content);
        xml.WriteEndElement();
    }
}
