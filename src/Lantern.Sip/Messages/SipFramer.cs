using System.Buffers;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Cuts SIP messages out of a TCP/TLS byte stream: header section up to CRLFCRLF, then exactly Content-Length body bytes.</summary>
/// <remarks>Works on the unconsumed bytes of a <c>PipeReader</c>; it never allocates from a declared length, and only rents a buffer
/// (bounded by the header limit) when a header section spans several segments.</remarks>
public static class SipFramer
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    /// <summary>Looks at the start of <paramref name="buffer"/>. On <see cref="SipFramerStatus.Message"/> and <see cref="SipFramerStatus.Ping"/>
    /// the buffer is advanced past what was consumed; on <see cref="SipFramerStatus.NeedMore"/> nothing is consumed; on
    /// <see cref="SipFramerStatus.Error"/> <paramref name="message"/> holds the header bytes available (to build a response).</summary>
    public static SipFramerStatus TryRead(
        ref ReadOnlySequence<byte> buffer,
        SipFramerLimits limits,
        out ReadOnlySequence<byte> message,
        out SipFramerError error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = default;
        error = SipFramerError.None;

        var start = LeadingCrlf(buffer, out var ping);
        if (ping)
        {
            buffer = buffer.Slice(4);
            return SipFramerStatus.Ping;
        }

        if (start < 0)
        {
            return SipFramerStatus.NeedMore;
        }

        var rest = buffer.Slice(start);
        var window = rest.Length > limits.MaxHeaderSectionBytes ? rest.Slice(0, limits.MaxHeaderSectionBytes) : rest;
        var headerLength = FindHeaderEnd(window);
        if (headerLength < 0)
        {
            if (rest.Length >= limits.MaxHeaderSectionBytes)
            {
                message = window;
                error = SipFramerError.HeaderSectionTooLarge;
                return SipFramerStatus.Error;
            }

            return SipFramerStatus.NeedMore;
        }

        var headers = window.Slice(0, headerLength);
        long contentLength;
        if (headers.IsSingleSegment)
        {
            contentLength = ReadContentLength(headers.FirstSpan, out error);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(headerLength);
            try
            {
                headers.CopyTo(rented);
                contentLength = ReadContentLength(rented.AsSpan(0, headerLength), out error);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (error == SipFramerError.None)
        {
            if (contentLength > limits.MaxBodyBytes)
            {
                error = SipFramerError.BodyTooLarge;
            }
            else if (headerLength + contentLength > limits.MaxMessageBytes)
            {
                error = SipFramerError.MessageTooLarge;
            }
        }

        if (error != SipFramerError.None)
        {
            message = headers;
            return SipFramerStatus.Error;
        }

        var total = headerLength + contentLength;
        if (rest.Length < total)
        {
            return SipFramerStatus.NeedMore;
        }

        message = rest.Slice(0, total);
        buffer = rest.Slice(total);
        return SipFramerStatus.Message;
    }

    /// <summary>Where the message starts after at most one stray CRLF (RFC 3261 §7.5), -1 when undecidable yet;
    /// <paramref name="ping"/> when the buffer starts with CRLFCRLF.</summary>
    private static int LeadingCrlf(in ReadOnlySequence<byte> buffer, out bool ping)
    {
        ping = false;
        Span<byte> head = stackalloc byte[4];
        var available = (int)Math.Min(buffer.Length, 4);
        buffer.Slice(0, available).CopyTo(head);
        if (available == 0)
        {
            return -1;
        }

        if (head[0] != Cr)
        {
            return 0;
        }

        if (available < 2)
        {
            return -1;
        }

        if (head[1] != Lf)
        {
            return 0;
        }

        if (available < 3)
        {
            return -1;
        }

        if (head[2] != Cr)
        {
            return 2;
        }

        if (available < 4)
        {
            return -1;
        }

        if (head[3] == Lf)
        {
            ping = true;
            return 0;
        }

        return 2;
    }

    /// <summary>Length of the header section including the final CRLFCRLF, or -1.</summary>
    private static int FindHeaderEnd(in ReadOnlySequence<byte> window)
    {
        if (window.IsSingleSegment)
        {
            var index = window.FirstSpan.IndexOf("\r\n\r\n"u8);
            return index < 0 ? -1 : index + 4;
        }

        var reader = new SequenceReader<byte>(window);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true) ? (int)reader.Consumed : -1;
    }

    /// <summary>Finds Content-Length (or compact <c>l</c>) among the header lines, folded lines included.</summary>
    internal static long ReadContentLength(ReadOnlySpan<byte> headers, out SipFramerError error)
    {
        error = SipFramerError.None;
        long found = -1;
        var startLineEnd = headers.IndexOf("\r\n"u8);
        var pos = startLineEnd + 2;

        // The header section ends with CRLFCRLF: the final CRLF (2 bytes) is no header line.
        while (pos < headers.Length - 2)
        {
            var end = LogicalLineEnd(headers, pos);
            var line = headers[pos..end];
            pos = end + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t')
            {
                continue;
            }

            var name = line[..colon].TrimEnd(" \t"u8);
            if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !Ascii.EqualsIgnoreCase(name, "l"u8))
            {
                continue;
            }

            var value = ParseLength(line[(colon + 1)..]);
            if (value < 0)
            {
                error = SipFramerError.MalformedContentLength;
                return -1;
            }

            if (found >= 0 && found != value)
            {
                error = SipFramerError.ConflictingContentLength;
                return -1;
            }

            found = value;
        }

        if (found < 0)
        {
            error = SipFramerError.MissingContentLength;
        }

        return found;
    }

    /// <summary>End of a header line, following folded continuation lines (CRLF then SP/HT).</summary>
    private static int LogicalLineEnd(ReadOnlySpan<byte> headers, int pos)
    {
        while (true)
        {
            var crlf = headers[pos..].IndexOf("\r\n"u8);
            var end = pos + crlf;
            if (end + 2 < headers.Length && headers[end + 2] is (byte)' ' or (byte)'\t')
            {
                pos = end + 2;
                continue;
            }

            return end;
        }
    }

    /// <summary>Digits between linear white space; values too long to matter saturate to <see cref="long.MaxValue"/>; -1 when malformed.</summary>
    private static long ParseLength(ReadOnlySpan<byte> value)
    {
        value = value.Trim(" \t\r\n"u8);
        if (value.IsEmpty)
        {
            return -1;
        }

        long result = 0;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            result = result > long.MaxValue / 100 ? long.MaxValue / 10 : (result * 10) + (b - '0');
        }

        return result;
    }
}
