using System.Text.Json.Serialization;

namespace Lantern.Configuration;

/// <summary>One outbound MWI subscription: <c>upstreams[]</c>, from a line or an object.</summary>
public sealed class UpstreamOptions
{
    public const string DefaultContext = "SIP_Remote";

    public const int DefaultExpires = 3600;

    /// <summary>Refresh at least this often, so a server that restarted and forgot the subscription answers 481 within
    /// this time and is subscribed anew (decision 0008); keeps the mailbox right within 2 minutes of such a restart.</summary>
    public const int DefaultRefreshSeconds = 90;

    public const int DefaultRegisterExpires = 3600;

    /// <summary>Unique name; the mailbox source is <c>upstream:NAME</c>. Defaults to <c>user@host/mailbox</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>User part of the remote mailbox (Request-URI and To).</summary>
    public string User { get; set; } = string.Empty;

    public string? Secret { get; set; }

    /// <summary>Digest user and From user; null means <see cref="User"/>.</summary>
    public string? AuthUser { get; set; }

    public string Host { get; set; } = string.Empty;

    /// <summary>0 means not given: SRV then A/AAAA resolution (RFC 3263).</summary>
    public int Port { get; set; }

    /// <summary><c>udp</c>, <c>tcp</c> or <c>tls</c>.</summary>
    public string Transport { get; set; } = "udp";

    /// <summary>Optional outbound proxy, <c>host[:port]</c> or a SIP URI.</summary>
    public string? OutboundProxy { get; set; }

    /// <summary>Local mailbox part the state is mirrored into.</summary>
    public string Mailbox { get; set; } = string.Empty;

    /// <summary>Context of the local mailbox.</summary>
    public string Context { get; set; } = DefaultContext;

    /// <summary>Requested subscription expiry in seconds.</summary>
    public int Expires { get; set; } = DefaultExpires;

    /// <summary>Longest time between two refreshes in seconds, whatever the server grants; 0 refreshes only at 85% of the grant.</summary>
    public int RefreshSeconds { get; set; } = DefaultRefreshSeconds;

    /// <summary>REGISTER to the upstream before subscribing (chan_sip NOTIFYs a <c>host=dynamic</c> peer only once it registered).</summary>
    public bool Register { get; set; }

    /// <summary>Requested registration expiry in seconds when <see cref="Register"/> is on.</summary>
    public int RegisterExpires { get; set; } = DefaultRegisterExpires;

    /// <summary>The Asterisk-format line this entry came from, when it was given as a line.</summary>
    [JsonIgnore]
    public string? Line { get; internal set; }

    /// <summary>Why <see cref="Line"/> could not be parsed; reported by validation.</summary>
    [JsonIgnore]
    public string? LineError { get; internal set; }

    /// <summary>Digest and From user in effect.</summary>
    public string EffectiveAuthUser => string.IsNullOrEmpty(AuthUser) ? User : AuthUser;

    /// <summary>The local mailbox id, <c>Mailbox@Context</c>, when valid.</summary>
    public bool TryGetMailboxId(out Mailboxes.MailboxId id) => Mailboxes.MailboxId.TryCreate(Mailbox, Context, out id);
}
