namespace Lantern.Configuration;

/// <summary>The root of <c>lantern.json</c>.</summary>
public sealed class LanternOptions
{
    public SipOptions Sip { get; set; } = new();

    public StoreOptions Store { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public AmiOptions Ami { get; set; } = new();
}
