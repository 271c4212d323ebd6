using System.Buffers;
using System.Text;
using Lantern.Mailboxes;

namespace Lantern.MessageSummary;

/// <summary>Writes <c>application/simple-message-summary</c> bodies (RFC 3842) as sip.md §4.9 orders them, without allocating.</summary>
public static class MessageSummaryWriter
{
    public const string ContentType = "application/simple-message-summary";

    // "Multimedia-Message: " + 4 * int.MaxValue + " / () " + CRLF, rounded up.
    private const int MaxClassLineLength = 20 + (4 * 10) + 6 + 2;
    private const int FixedMaxLength = 23 + 17 + 2 + (5 * MaxClassLineLength);

    /// <summary>Upper bound of a body's length for an account of <paramref name="accountByteCount"/> bytes.</summary>
    public static int GetMaxLength(int accountByteCount) => FixedMaxLength + accountByteCount;

    /// <summary>
    /// Writes the body into <paramref name="destination"/>. <paramref name="accountUtf8"/> is the
    /// <c>Message-Account</c> URI (empty: no such line); <paramref name="omitUrgent"/> drops the <c>(n/o)</c> parts.
    /// Returns false when the destination is too small.
    /// </summary>
    public static bool TryWrite(Span<byte> destination, MailboxCounts counts, ReadOnlySpan<byte> accountUtf8, bool omitUrgent, out int written)
    {
        ArgumentNullException.ThrowIfNull(counts);
        CheckAccount(accountUtf8);
        var w = new SpanCursor(destination);
        w.Append("Messages-Waiting: "u8);
        w.Append(counts.Waiting ? "yes\r\n"u8 : "no\r\n"u8);
        if (!accountUtf8.IsEmpty)
        {
            w.Append("Message-Account: "u8);
            w.Append(accountUtf8);
            w.Append("\r\n"u8);
        }

        WriteClass(ref w, "Voice-Message: "u8, counts.Voice, omitUrgent);
        if (counts.Fax is { } fax)
        {
            WriteClass(ref w, "Fax-Message: "u8, fax, omitUrgent);
        }

        if (counts.Pager is { } pager)
        {
            WriteClass(ref w, "Pager-Message: "u8, pager, omitUrgent);
        }

        if (counts.Multimedia is { } multimedia)
        {
            WriteClass(ref w, "Multimedia-Message: "u8, multimedia, omitUrgent);
        }

        if (counts.Text is { } text)
        {
            WriteClass(ref w, "Text-Message: "u8, text, omitUrgent);
        }

        written = w.Position;
        return !w.Overflow;
    }

    /// <summary>Writes the body into <paramref name="writer"/>; <paramref name="accountUtf8"/> as in <see cref="TryWrite"/>.</summary>
    public static int Write(IBufferWriter<byte> writer, MailboxCounts counts, ReadOnlySpan<byte> accountUtf8, bool omitUrgent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(GetMaxLength(accountUtf8.Length));
        if (!TryWrite(span, counts, accountUtf8, omitUrgent, out var written))
        {
            throw new InvalidOperationException("buffer writer returned a span shorter than requested");
        }

        writer.Advance(written);
        return written;
    }

    /// <summary>Convenience for cold paths and tests: the body as a new array.</summary>
    public static byte[] ToArray(MailboxCounts counts, string? account, bool omitUrgent)
    {
        var accountBytes = string.IsNullOrEmpty(account) ? [] : Encoding.UTF8.GetBytes(account);
        var buffer = new byte[GetMaxLength(accountBytes.Length)];
        TryWrite(buffer, counts, accountBytes, omitUrgent, out var written);
        return buffer.AsSpan(0, written).ToArray();
    }

    private static void WriteClass(ref SpanCursor w, ReadOnlySpan<byte> name, MessageCounts c, bool omitUrgent)
    {
        w.Append(name);
        w.Append(c.New);
        w.Append("/"u8);
        w.Append(c.Old);
        if (!omitUrgent)
        {
            w.Append(" ("u8);
            w.Append(c.UrgentNew);
            w.Append("/"u8);
            w.Append(c.UrgentOld);
            w.Append(")"u8);
        }

        w.Append("\r\n"u8);
    }

    // A CR or LF in the account would let a configured value inject lines into the body.
    private static void CheckAccount(ReadOnlySpan<byte> account)
    {
        foreach (var b in account)
        {
            if (b < 0x21 || b == 0x7F)
            {
                throw new ArgumentException("Message-Account must not contain spaces or control characters", nameof(account));
            }
        }
    }

    private ref struct SpanCursor(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public bool Overflow { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Overflow || !bytes.TryCopyTo(_destination[Position..]))
            {
                Overflow = true;
                return;
            }

            Position += bytes.Length;
        }

        public void Append(int value)
        {
            if (Overflow || !value.TryFormat(_destination[Position..], out var n, default, System.Globalization.CultureInfo.InvariantCulture))
            {
                Overflow = true;
                return;
            }

            Position += n;
        }
    }
}
