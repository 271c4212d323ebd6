using System.Text;

namespace Lantern.Interop.Tests.Torture;

/// <summary>Points a torture message at the test: its top Via sent-by becomes the test's loopback address and port, so the
/// answer (sent to the packet's source address and the Via port) comes back to the test and nowhere else.</summary>
internal static class TortureWire
{
    public static byte[] PointAt(byte[] message, string sentBy, string replacement)
    {
        var via = TopViaLine(message);
        if (via < 0)
        {
            throw new InvalidOperationException("no Via header line");
        }

        return ReplaceFrom(message, via, sentBy, replacement);
    }

    /// <summary>The message with the first <paramref name="text"/> replaced.</summary>
    public static byte[] Replace(byte[] message, string text, string replacement) => ReplaceFrom(message, 0, text, replacement);

    private static byte[] ReplaceFrom(byte[] message, int from, string text, string replacement)
    {
        var needle = Encoding.ASCII.GetBytes(text);
        var at = message.AsSpan(from).IndexOf(needle);
        if (at < 0)
        {
            throw new InvalidOperationException($"no '{text}' after byte {from}");
        }

        at += from;
        var with = Encoding.ASCII.GetBytes(replacement);
        var result = new byte[message.Length - needle.Length + with.Length];
        message.AsSpan(0, at).CopyTo(result);
        with.CopyTo(result.AsSpan(at));
        message.AsSpan(at + needle.Length).CopyTo(result.AsSpan(at + with.Length));
        return result;
    }

    /// <summary>The offset of the first header line named Via or v (any case, any blanks before the colon).</summary>
    private static int TopViaLine(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        var pos = message.AsSpan().IndexOf("\r\n"u8) + 2;
        while (pos > 1 && pos < end)
        {
            var next = message.AsSpan(pos).IndexOf("\r\n"u8);
            var line = message.AsSpan(pos, next < 0 ? message.Length - pos : next);
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var name = line[..colon].TrimEnd(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "via"u8) || Ascii.EqualsIgnoreCase(name, "v"u8))
                {
                    return pos;
                }
            }

            pos += next + 2;
        }

        return -1;
    }
}
