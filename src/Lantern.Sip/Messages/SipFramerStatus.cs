namespace Lantern.Sip.Messages;

/// <summary>What <see cref="SipFramer.TryRead"/> found at the start of a stream buffer.</summary>
public enum SipFramerStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    NeedMore = 0,

    /// <summary>One complete message was cut from the buffer.</summary>
    Message = 1,

    /// <summary>A CRLFCRLF keep-alive ping (RFC 5626 §4.4.1); answer with a CRLF pong.</summary>
    Ping = 2,

    /// <summary>The stream cannot be framed; answer if possible, then close the connection.</summary>
    Error = 3,
}
