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

    private static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    private static void WriteText(IBufferWriter<byte> writer, string text) => Encoding.UTF8.GetBytes(text.AsSpan(), writer);

    private static void WriteNumber(IBufferWriter<byte> writer, int value)
    {
        var span = writer.GetSpan(11);
        _ = Utf8Formatter.TryFormat(value, span, out var written);
        writer.Advance(written);
    }
}
