using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Serializes a <see cref="SipMessageBuilder"/> into an <see cref="IBufferWriter{T}"/>; Content-Length is the body's byte count.</summary>
public static class SipMessageWriter
{
    public static void Write(SipMessageBuilder message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        if (message.IsRequest)
        {
            WriteText(writer, message.MethodText);
            WriteBytes(writer, " "u8);
            WriteText(writer, message.RequestUri);
            WriteBytes(writer, " SIP/2.0\r\n"u8);
        }
        else
        {
            WriteBytes(writer, "SIP/2.0 "u8);
            WriteNumber(writer, message.StatusCode);
            WriteBytes(writer, " "u8);
            WriteText(writer, message.ReasonPhrase);
            WriteBytes(writer, "\r\n"u8);
        }

        var headers = message.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            WriteText(writer, headers[i].Key);
            WriteBytes(writer, ": "u8);
            WriteText(writer, headers[i].Value);
            WriteBytes(writer, "\r\n"u8);
        }

        WriteBytes(writer, "Content-Length: "u8);
        WriteNumber(writer, message.Body.Length);
        WriteBytes(writer, "\r\n\r\n"u8);
        if (!message.Body.IsEmpty)
        {
            WriteBytes(writer, message.Body.Span);
        }
    }

    /// <summary>The exact number of bytes <see cref="Write(SipMessageBuilder, Span{byte})"/> produces.</summary>
    public static int GetByteCount(SipMessageBuilder message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var utf8 = Encoding.UTF8;
        var n = message.IsRequest
            ? utf8.GetByteCount(message.MethodText) + 1 + utf8.GetByteCount(message.RequestUri) + 10
            : 8 + DigitCount(message.StatusCode) + 1 + utf8.GetByteCount(message.ReasonPhrase) + 2;
        var headers = message.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            n += utf8.GetByteCount(headers[i].Key) + 2 + utf8.GetByteCount(headers[i].Value) + 2;
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

        var headers = message.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            w.Text(headers[i].Key);
            w.Bytes(": "u8);
            w.Text(headers[i].Value);
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

    private static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    private static void WriteText(IBufferWriter<byte> writer, string text) => Encoding.UTF8.GetBytes(text.AsSpan(), writer);

    private static void WriteNumber(IBufferWriter<byte> writer, int value)
    {
        var span = writer.GetSpan(11);
        _ = Utf8Formatter.TryFormat(value, span, out var written);
        writer.Advance(written);
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
