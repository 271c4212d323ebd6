namespace Lantern.Sip.Messages;

/// <summary>URI schemes the parser understands; others parse as <see cref="Other"/> so that a request can be answered 416.</summary>
public enum SipUriScheme
{
    Other = 0,
    Sip,
    Sips,
    Tel,
}
