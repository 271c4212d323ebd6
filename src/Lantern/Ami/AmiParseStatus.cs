namespace Lantern.Ami;

/// <summary>The outcome of one attempt to frame a packet.</summary>
internal enum AmiParseStatus
{
    /// <summary>A complete packet was read and consumed.</summary>
    Packet = 0,

    /// <summary>No complete packet yet; wait for more bytes.</summary>
    NeedMoreData = 1,

    /// <summary>The packet exceeds <see cref="AmiLimits.MaxPacketBytes"/>.</summary>
    TooLarge = 2,

    /// <summary>The packet exceeds <see cref="AmiLimits.MaxKeys"/> lines.</summary>
    TooManyKeys = 3,
}
