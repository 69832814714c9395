using System.Net;
using System.Net.Sockets;

namespace Achievements.Api.Features.Notifications;

/// <summary>
/// Where a webhook may be sent. The service posts to URLs that admins type in, from inside the company's network, so
/// a URL is a way to make it reach what it should not (server-side request forgery): the cloud's metadata address,
/// a database's port, an internal admin page. So a URL is checked when it is subscribed, and the address every
/// request connects to is checked again when it connects (<see cref="ConnectAsync"/>), after DNS, so that a name
/// that resolves to a forbidden address later (DNS rebinding) is refused too. docs/security.md, "Webhooks".
/// </summary>
internal static class WebhookAddress
{
    public const int MaxLength = 2048;

    /// <summary>Why <paramref name="url"/> may not be subscribed, or null when it may.</summary>
    public static string? Refusal(string? url, WebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"url must be an absolute https:// URL of at most {MaxLength} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return "url must be an https:// URL.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "url must not carry a user name or password; the signature proves who sent a delivery.";
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "url must not have a fragment.";
        }

        var loopback = IsLoopbackHost(uri);
        if (loopback && !options.AllowLoopback)
        {
            return "url must not name a loopback address.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            return "url must be an https:// URL; http:// is only for loopback addresses in tests.";
        }

        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && !IsAllowed(address, options)
            ? "url names an address that webhooks may not reach (link-local, private, multicast or unspecified)."
            : null;
    }

    /// <summary>Whether a request may connect to <paramref name="address"/>.</summary>
    public static bool IsAllowed(IPAddress address, WebhookOptions options)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return options.AllowLoopback;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)
            || address.IsIPv6Multicast || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // fc00::/7, unique local addresses: IPv6's private networks.
            return (address.GetAddressBytes()[0] & 0xFE) != 0xFC || options.AllowPrivateNetworks;
        }

        var b = address.GetAddressBytes();
        return b switch
        {
            [0, ..] or [>= 224, ..] => false, // "this network", multicast and reserved
            [169, 254, ..] => false, // link-local: where clouds answer with their instances' credentials
            [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] or [100, >= 64 and <= 127, ..] => options.AllowPrivateNetworks,
            _ => true,
        };
    }

    /// <summary>
    /// The webhook client's connect step: resolves the host, keeps the addresses <see cref="IsAllowed"/> lets it reach,
    /// and connects to one of them; a host with none fails the request as a delivery error.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, WebhookOptions options, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => IsAllowed(a, options)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{host} has no address that webhooks may reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsLoopbackHost(Uri uri) =>
        uri.IsLoopback || string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase);
}
