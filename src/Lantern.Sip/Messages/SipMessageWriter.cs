using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Serializes a <see cref="SipMessageBuilder"/> into an <see cref="IBufferWriter{T}"/>; Content-Length is the body's byte count.</summary>
public static class SipMessageWriter
{
    /// <summary>Serializes into <paramref name="writer"/>: one span of exactly <see cref="GetByteCount"/> bytes.</summary>
    public static void Write(SipMessageBuilder message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Advance(Write(message, writer.GetSpan(GetByteCount(message))));
    }

    /// <summary>The exact number of bytes <see cref="Write(SipMessageBuilder, Span{byte})"/> produces.</summary>
    public static int GetByteCount(SipMessageBuilder message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var utf8 = Encoding.UTF8;
        var n = message.IsRequest
            ? utf8.GetByteCount(message.MethodText) + 1 + utf8.GetByteCount(message.RequestUri) + 10
            : 8 + DigitCount(message.StatusCode) + 1 + utf8.GetByteCount(message.ReasonPhrase) + 2;
        for (var i = 0; i < message.HeaderCount; i++)
        {
            n += utf8.GetByteCount(message.HeaderName(i)) + 2 + message.ValueByteCount(i) + 2;
        }

        return n + 16 + DigitCount(message.Body.Length) + 4 + message.Body.Length;
    }

    /// <summary>Serializes into <paramref name="destination"/>, which must hold <see cref="GetByteCount"/> bytes; returns the count.</summary>
    public static int Write(SipMessageBuilder message, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new SpanWriter(destination);
        if (message.IsRequest)
        {
            w.Text(message.MethodText);
            w.Bytes(" "u8);
            w.Text(message.RequestUri);
            w.Bytes(" SIP/2.0\r\n"u8);
        }
        else
        {
            w.Bytes("SIP/2.0 "u8);
            w.Number(message.StatusCode);
            w.Bytes(" "u8);
            w.Text(message.ReasonPhrase);
            w.Bytes("\r\n"u8);
        }

        for (var i = 0; i < message.HeaderCount; i++)
        {
            w.Text(message.HeaderName(i));
            w.Bytes(": "u8);
            w.Value(message, i);
            w.Bytes("\r\n"u8);
        }

        w.Bytes("Content-Length: "u8);
        w.Number(message.Body.Length);
        w.Bytes("\r\n\r\n"u8);
        w.Bytes(message.Body.Span);
        return w.Position;
    }

    private static int DigitCount(int value)
    {
        var digits = value < 0 ? 2 : 1;
        for (var v = Math.Abs((long)value); v >= 10; v /= 10)
        {
            digits++;
        }

        return digits;
    }

    /// <summary>Appends into a span sized by <see cref="GetByteCount"/>; running out means the count was wrong, a bug.</summary>
    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Position..]);
            Position += bytes.Length;
        }

        public void Text(string text) => Position += Encoding.UTF8.GetBytes(text, _destination[Position..]);

        public void Value(SipMessageBuilder message, int index) => Position += message.WriteValue(index, _destination[Position..]);

        public void Number(int value)
        {
            if (!Utf8Formatter.TryFormat(value, _destination[Position..], out var written))
            {
                throw new ArgumentException("destination too small", nameof(value));
            }

            Position += written;
        }
    }
}
