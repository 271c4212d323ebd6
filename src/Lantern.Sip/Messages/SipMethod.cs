namespace Lantern.Sip.Messages;

/// <summary>SIP request methods Lantern recognises; anything else is <see cref="Unknown"/> with its text kept on the message.</summary>
public enum SipMethod
{
    Unknown = 0,
    Invite,
    Ack,
    Bye,
    Cancel,
    Options,
    Register,
    Subscribe,
    Notify,
    Publish,
    Refer,
    Message,
    Info,
    Prack,
    Update,
}
