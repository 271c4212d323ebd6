namespace Lantern.Configuration;

/// <summary><c>http</c>: the REST API listener and its users.</summary>
public sealed class HttpOptions
{
    public const string DefaultListen = "127.0.0.1:8088";

    public string Listen { get; set; } = DefaultListen;

    public List<HttpUserOptions> Users { get; set; } = [];

    /// <summary>API keys accepted as <c>Authorization: Bearer KEY</c>.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Most concurrent <c>/api/v1/events</c> streams; more are refused with 503.</summary>
    public int MaxEventStreams { get; set; } = 100;

    /// <summary>PEM certificate file; when set, the API is served over HTTPS.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key file for <see cref="Certificate"/> (omit when the certificate file holds the key).</summary>
    public string? Key { get; set; }
}
