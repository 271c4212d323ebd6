namespace Lantern.Sip.Transport;

/// <summary>The outcome of a send: success with the connection used (0 for UDP), or a transport error.</summary>
public readonly record struct SipSendResult(bool Succeeded, long ConnectionId, string? Error)
{
    public static SipSendResult Ok(long connectionId) => new(true, connectionId, null);

    public static SipSendResult Failed(string error) => new(false, 0, error);
}
