using System.Buffers;
using System.Text;

namespace Lantern.Ami;

/// <summary>Frames and parses AMI packets: <c>Key: Value</c> lines (CRLF or bare LF) ended by an empty line.</summary>
internal static class AmiPacketParser
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    /// <summary>Reads one packet from the front of <paramref name="buffer"/> and slices it off; never throws on any input.</summary>
    /// <remarks>Empty lines before a packet are consumed. On <see cref="AmiParseStatus.NeedMoreData"/> nothing of the
    /// pending packet is consumed; on a limit error the caller must close the session.</remarks>
    public static AmiParseStatus TryRead(ref ReadOnlySequence<byte> buffer, out AmiPacket? packet)
    {
        packet = null;
        var reader = new SequenceReader<byte>(buffer);
        var start = reader.Position;
        var startOffset = 0L;
        var lines = 0;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, Lf))
            {
                buffer = buffer.Slice(start);
                return buffer.Length > AmiLimits.MaxPacketBytes ? AmiParseStatus.TooLarge : AmiParseStatus.NeedMoreData;
            }

            if (reader.Consumed - startOffset > AmiLimits.MaxPacketBytes)
            {
                buffer = buffer.Slice(start);
                return AmiParseStatus.TooLarge;
            }

            if (IsBlank(line))
            {
                if (lines == 0)
                {
                    // Blank lines between packets carry nothing; consume them.
                    start = reader.Position;
                    startOffset = reader.Consumed;
                    continue;
                }

                packet = Parse(buffer.Slice(start, reader.Position), lines);
                buffer = buffer.Slice(reader.Position);
                return AmiParseStatus.Packet;
            }

            lines++;
            if (lines > AmiLimits.MaxKeys)
            {
                buffer = buffer.Slice(start);
                return AmiParseStatus.TooManyKeys;
            }
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line) =>
        line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == Cr);

    private static AmiPacket Parse(ReadOnlySequence<byte> packetBytes, int lines)
    {
        var fields = new List<KeyValuePair<string, string>>(lines);
        var reader = new SequenceReader<byte>(packetBytes);
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, Lf))
        {
            if (IsBlank(line))
            {
                break;
            }

            var text = Encoding.UTF8.GetString(line);
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                // A line without a key is ignored, as Asterisk does; it still counted towards the key limit.
                continue;
            }

            var key = text[..colon].Trim();
            if (key.Length == 0)
            {
                continue;
            }

            var value = text[(colon + 1)..].Trim(' ', '\t', '\r');
            fields.Add(new KeyValuePair<string, string>(key, value));
        }

        return new AmiPacket(fields);
    }
}
