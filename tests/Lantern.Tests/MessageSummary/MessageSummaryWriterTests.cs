using System.Buffers;
using System.Text;
using Lantern.Mailboxes;
using Lantern.MessageSummary;

namespace Lantern.Tests.MessageSummary;

public sealed class MessageSummaryWriterTests
{
    [Fact]
    public void ToArray_SpecExample_ExactBytes()
    {
        var counts = new MailboxCounts(new MessageCounts(2, 8, 1, 0), Fax: new MessageCounts(0, 1, 0, 0));
        var body = Encoding.ASCII.GetString(MessageSummaryWriter.ToArray(counts, "sip:*97@example.com", omitUrgent: false));
        Assert.Equal(
            "Messages-Waiting: yes\r\nMessage-Account: sip:*97@example.com\r\nVoice-Message: 2/8 (1/0)\r\nFax-Message: 0/1 (0/0)\r\n",
            body);
    }

    [Fact]
    public void ToArray_EmptyNoAccount_VoiceAlwaysPresent()
    {
        var body = Encoding.ASCII.GetString(MessageSummaryWriter.ToArray(MailboxCounts.Empty, null, omitUrgent: false));
        Assert.Equal("Messages-Waiting: no\r\nVoice-Message: 0/0 (0/0)\r\n", body);
    }

    [Fact]
    public void ToArray_AllClassesInOrder_OmitUrgent()
    {
        var c = new MessageCounts(1, 2, 1, 1);
        var counts = new MailboxCounts(MessageCounts.Zero, c, c with { New = 0, UrgentNew = 0 }, c, c);
        var body = Encoding.ASCII.GetString(MessageSummaryWriter.ToArray(counts, "sip:1001@example.com", omitUrgent: true));
        Assert.Equal(
            "Messages-Waiting: yes\r\nMessage-Account: sip:1001@example.com\r\nVoice-Message: 0/0\r\nFax-Message: 1/2\r\n"
            + "Pager-Message: 0/2\r\nMultimedia-Message: 1/2\r\nText-Message: 1/2\r\n",
            body);
    }

    [Fact]
    public void TryWrite_MaxValues_FitsMaxLength()
    {
        var max = new MessageCounts(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);
        var counts = new MailboxCounts(max, max, max, max, max);
        var account = "sip:x@example.com"u8;
        var buffer = new byte[MessageSummaryWriter.GetMaxLength(account.Length)];
        Assert.True(MessageSummaryWriter.TryWrite(buffer, counts, account, omitUrgent: false, out var written));
        Assert.Contains("Text-Message: 2147483647/2147483647 (2147483647/2147483647)\r\n", Encoding.ASCII.GetString(buffer, 0, written), StringComparison.Ordinal);
    }

    [Fact]
    public void TryWrite_TooSmall_ReturnsFalse()
    {
        Span<byte> small = stackalloc byte[10];
        Assert.False(MessageSummaryWriter.TryWrite(small, MailboxCounts.Empty, default, omitUrgent: false, out _));
    }

    [Fact]
    public void Write_BufferWriter_SameAsArray()
    {
        var counts = new MailboxCounts(new MessageCounts(3, 4, 0, 1));
        var writer = new ArrayBufferWriter<byte>();
        var n = MessageSummaryWriter.Write(writer, counts, "sip:a@b"u8, omitUrgent: false);
        Assert.Equal(MessageSummaryWriter.ToArray(counts, "sip:a@b", omitUrgent: false), writer.WrittenSpan.ToArray());
        Assert.Equal(n, writer.WrittenCount);
    }

    [Fact]
    public void TryWrite_AccountWithCrLf_Throws()
    {
        Assert.Throws<ArgumentException>(() => MessageSummaryWriter.ToArray(MailboxCounts.Empty, "sip:a@b\r\nX: y", omitUrgent: false));
    }

    [Fact]
    public void TryWrite_HotPath_DoesNotAllocate()
    {
        var counts = new MailboxCounts(new MessageCounts(2, 8, 1, 0), Fax: new MessageCounts(0, 1, 0, 0));
        var buffer = new byte[512];
        MessageSummaryWriter.TryWrite(buffer, counts, "sip:*97@example.com"u8, false, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            MessageSummaryWriter.TryWrite(buffer, counts, "sip:*97@example.com"u8, false, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
