namespace Lantern.Ami;

/// <summary>Hard caps on AMI wire input.</summary>
internal static class AmiLimits
{
    /// <summary>Largest packet accepted, terminating empty line included.</summary>
    public const int MaxPacketBytes = 64 * 1024;

    /// <summary>Most lines (keys) accepted in one packet.</summary>
    public const int MaxKeys = 128;
}
