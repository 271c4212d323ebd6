namespace Lantern.Configuration;

/// <summary>The root of <c>lantern.json</c>.</summary>
public sealed class LanternOptions
{
    public SipOptions Sip { get; set; } = new();

    public StoreOptions Store { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public AmiOptions Ami { get; set; } = new();

    /// <summary>Console log format and levels; read when the host is built, so a reload does not change them.</summary>
    public LoggingOptions Logging { get; set; } = new();

    /// <summary>Phones and gateways that receive MWI.</summary>
    public List<EndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Outbound subscriptions, normalized: lines are parsed by <see cref="LanternConfigurationBinder"/>.</summary>
    public List<UpstreamOptions> Upstreams { get; set; } = [];

    /// <summary>Servers that push MWI by unsolicited NOTIFY or PUBLISH.</summary>
    public List<PeerOptions> Peers { get; set; } = [];

    /// <summary>Asterisk voicemail spool trees whose files are the counts of their mailboxes.</summary>
    public List<SpoolOptions> Spools { get; set; } = [];

    /// <summary>Problems met while binding (a value of the wrong type); reported by validation.</summary>
    internal List<string> BindErrors { get; } = [];
}
