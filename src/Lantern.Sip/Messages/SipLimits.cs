namespace Lantern.Sip.Messages;

/// <summary>Hard caps on wire input, enforced by the parser before anything is trusted.</summary>
public sealed record SipLimits
{
    /// <summary>The defaults from the spec.</summary>
    public static SipLimits Default { get; } = new();

    public int MaxMessageBytes { get; init; } = 65_535;

    public int MaxStartLineBytes { get; init; } = 4 * 1024;

    public int MaxHeaderSectionBytes { get; init; } = 16 * 1024;

    public int MaxHeaders { get; init; } = 100;

    public int MaxViaEntries { get; init; } = 70;

    public int MaxBodyBytes { get; init; } = 16 * 1024;
}
