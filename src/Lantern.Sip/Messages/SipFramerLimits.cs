namespace Lantern.Sip.Messages;

/// <summary>Size caps the stream framer enforces before any parsing (defaults from the spec: 16 KiB headers and body, 65,535 per message).</summary>
public sealed record SipFramerLimits
{
    public static SipFramerLimits Default { get; } = new();

    /// <summary>Largest header section, start line and final CRLFCRLF included.</summary>
    public int MaxHeaderSectionBytes { get; init; } = 16 * 1024;

    public int MaxBodyBytes { get; init; } = 16 * 1024;

    public int MaxMessageBytes { get; init; } = 65_535;
}
