using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Conversions between <see cref="SipMethod"/> and its wire text (methods are case-sensitive per RFC 3261 §7.1).</summary>
public static class SipMethods
{
    /// <summary>The canonical wire text of a known method; empty for <see cref="SipMethod.Unknown"/>.</summary>
    public static string ToText(SipMethod method) => method switch
    {
        SipMethod.Invite => "INVITE",
        SipMethod.Ack => "ACK",
        SipMethod.Bye => "BYE",
        SipMethod.Cancel => "CANCEL",
        SipMethod.Options => "OPTIONS",
        SipMethod.Register => "REGISTER",
        SipMethod.Subscribe => "SUBSCRIBE",
        SipMethod.Notify => "NOTIFY",
        SipMethod.Publish => "PUBLISH",
        SipMethod.Refer => "REFER",
        SipMethod.Message => "MESSAGE",
        SipMethod.Info => "INFO",
        SipMethod.Prack => "PRACK",
        SipMethod.Update => "UPDATE",
        _ => string.Empty,
    };

    /// <summary>Maps wire bytes to a method; <see cref="SipMethod.Unknown"/> when not one of the known ones.</summary>
    public static SipMethod Parse(ReadOnlySpan<byte> text) => text.Length switch
    {
        3 when text.SequenceEqual("ACK"u8) => SipMethod.Ack,
        3 when text.SequenceEqual("BYE"u8) => SipMethod.Bye,
        4 when text.SequenceEqual("INFO"u8) => SipMethod.Info,
        5 when text.SequenceEqual("REFER"u8) => SipMethod.Refer,
        5 when text.SequenceEqual("PRACK"u8) => SipMethod.Prack,
        6 when text.SequenceEqual("INVITE"u8) => SipMethod.Invite,
        6 when text.SequenceEqual("CANCEL"u8) => SipMethod.Cancel,
        6 when text.SequenceEqual("NOTIFY"u8) => SipMethod.Notify,
        6 when text.SequenceEqual("UPDATE"u8) => SipMethod.Update,
        7 when text.SequenceEqual("OPTIONS"u8) => SipMethod.Options,
        7 when text.SequenceEqual("PUBLISH"u8) => SipMethod.Publish,
        7 when text.SequenceEqual("MESSAGE"u8) => SipMethod.Message,
        8 when text.SequenceEqual("REGISTER"u8) => SipMethod.Register,
        9 when text.SequenceEqual("SUBSCRIBE"u8) => SipMethod.Subscribe,
        _ => SipMethod.Unknown,
    };

    /// <summary>Maps a method name to the enum.</summary>
    public static SipMethod Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> buffer = stackalloc byte[16];
        return text.Length <= 16 && Encoding.ASCII.TryGetBytes(text, buffer, out var n) ? Parse(buffer[..n]) : SipMethod.Unknown;
    }
}
