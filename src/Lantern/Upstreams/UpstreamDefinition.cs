using System.Globalization;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Transport;

namespace Lantern.Upstreams;

/// <summary>One outbound subscription, validated and immutable: who we are there, where it is, where its state goes.</summary>
/// <param name="Port">0 when none was configured (RFC 3263 SRV resolution applies).</param>
/// <param name="AuthUser">Digest user and From user (<c>authuser</c>, else <c>user</c>).</param>
/// <param name="Expires">Requested expiry in seconds.</param>
/// <param name="RefreshSeconds">Longest time between refreshes; 0 refreshes at 85% of the grant only.</param>
/// <param name="RegisterExpires">Requested REGISTER expiry; 0 means the upstream is not registered with.</param>
internal sealed record UpstreamDefinition(
    string Name,
    string User,
    string? Secret,
    string AuthUser,
    string Host,
    int Port,
    SipTransportKind Transport,
    string? OutboundProxy,
    int Expires,
    MailboxId Mailbox,
    int RefreshSeconds = 0,
    int RegisterExpires = 0)
{
    /// <summary>The host as it appears in a URI (IPv6 in brackets).</summary>
    public string UriHost => Host.Contains(':', StringComparison.Ordinal) && !Host.StartsWith('[') ? "[" + Host + "]" : Host;

    /// <summary><c>sip:user@host[:port]</c> (sip.md §7): the initial Request-URI and the To URI.</summary>
    public string RequestUri => Port > 0
        ? string.Create(CultureInfo.InvariantCulture, $"sip:{User}@{UriHost}:{Port}")
        : $"sip:{User}@{UriHost}";

    /// <summary>The REGISTER Request-URI: the upstream's domain, <c>sip:host[:port]</c>.</summary>
    public string RegistrarUri => Port > 0
        ? string.Create(CultureInfo.InvariantCulture, $"sip:{UriHost}:{Port}")
        : $"sip:{UriHost}";

    public bool Register => RegisterExpires > 0;

    /// <summary>The From URI: the auth user at the upstream's domain.</summary>
    public string FromUri => $"sip:{AuthUser}@{UriHost}";

    public MailboxSource Source => MailboxSource.Upstream(Name);

    /// <summary>Builds a definition from validated options; false with <paramref name="error"/> when they are unusable.</summary>
    public static bool TryCreate(UpstreamOptions options, out UpstreamDefinition definition, out string error)
    {
        definition = null!;
        if (options.LineError is not null)
        {
            error = options.LineError;
            return false;
        }

        if (string.IsNullOrEmpty(options.User) || string.IsNullOrEmpty(options.Host))
        {
            error = "user and host are required";
            return false;
        }

        if (!options.TryGetMailboxId(out var mailbox))
        {
            error = $"invalid mailbox \"{options.Mailbox}@{options.Context}\"";
            return false;
        }

        SipTransportKind transport;
        switch (options.Transport.ToLowerInvariant())
        {
            case "udp": transport = SipTransportKind.Udp; break;
            case "tcp": transport = SipTransportKind.Tcp; break;
            case "tls": transport = SipTransportKind.Tls; break;
            default:
                error = $"unknown transport \"{options.Transport}\"";
                return false;
        }

        if (options.Port is < 0 or > 65535 || options.Expires <= 0 || options.RefreshSeconds < 0 || (options.Register && options.RegisterExpires <= 0))
        {
            error = "port must be 1-65535, expires and registerExpires positive, refreshSeconds not negative";
            return false;
        }

        var host = options.Host.StartsWith('[') && options.Host.EndsWith(']') ? options.Host[1..^1] : options.Host;
        var name = string.IsNullOrEmpty(options.Name) ? UpstreamLine.DefaultName(options) : options.Name;
        definition = new UpstreamDefinition(
            name,
            options.User,
            string.IsNullOrEmpty(options.Secret) ? null : options.Secret,
            options.EffectiveAuthUser,
            host,
            options.Port,
            transport,
            string.IsNullOrWhiteSpace(options.OutboundProxy) ? null : options.OutboundProxy,
            options.Expires,
            mailbox,
            options.RefreshSeconds,
            options.Register ? options.RegisterExpires : 0);
        error = string.Empty;
        return true;
    }

    public string TransportName => Transport switch
    {
        SipTransportKind.Tcp => "tcp",
        SipTransportKind.Tls => "tls",
        _ => "udp",
    };
}
