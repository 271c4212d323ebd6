using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lantern.Mailboxes;
using Lantern.MessageSummary;

namespace Lantern.Tests.MessageSummary;

public sealed class MessageSummaryParserTests
{
    [Fact]
    public void TryParse_Rfc3842Example_Parses()
    {
        var s = Parse("Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n");
        Assert.True(s.MessagesWaiting);
        Assert.Equal("sip:alice@vmail.example.com", s.Account);
        Assert.Equal(new MessageCounts(4, 8, 1, 2), s.Counts.Voice);
        Assert.Null(s.Counts.Fax);
        Assert.True(s.HasCounts);
    }

    [Fact]
    public void TryParse_Rfc3842ExtensionHeaders_Ignored()
    {
        var s = Parse(
            "Messages-Waiting: yes\r\nVoice-Message: 4/8 (1/2)\r\n\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:bob@example.com>\r\n"
            + "Subject: carpool tomorrow?\r\nDate: Sun, 16 Mar 2003 09:13:30 -0600\r\nPriority: normal\r\nMessage-ID: 13@bob.example.com\r\n");
        Assert.Equal(new MessageCounts(4, 8, 1, 2), s.Counts.Voice);
    }

    [Fact]
    public void TryParse_EveryClass_CaseAndWhitespaceTolerant()
    {
        var s = Parse("messages-waiting:NO\nmessage-account :  sip:x@y  \n  VOICE-message\t:  0 /  1\r\n"
            + "fax-message: 1/0(0/0)\r\nPager-Message: 2/3 ( 1 / 2 )\r\nMultimedia-Message: 5/6\r\nText-Message:7/8 (7/8)\r\nNone: 1/1\r\n");
        Assert.False(s.MessagesWaiting);
        Assert.Equal("sip:x@y", s.Account);
        Assert.Equal(new MessageCounts(0, 1, 0, 0), s.Counts.Voice);
        Assert.Equal(new MessageCounts(1, 0, 0, 0), s.Counts.Fax);
        Assert.Equal(new MessageCounts(2, 3, 1, 2), s.Counts.Pager);
        Assert.Equal(new MessageCounts(5, 6, 0, 0), s.Counts.Multimedia);
        Assert.Equal(new MessageCounts(7, 8, 7, 8), s.Counts.Text);
    }

    [Fact]
    public void TryParse_StatusOnly_HasNoCounts()
    {
        var s = Parse("Messages-Waiting: yes\r\n");
        Assert.True(s.MessagesWaiting);
        Assert.False(s.HasCounts);
        Assert.Equal(MailboxCounts.Empty, s.Counts);
    }

    [Fact]
    public void TryParse_MaxInt_Accepted()
    {
        var s = Parse("Messages-Waiting: yes\r\nVoice-Message: 2147483647/0002147483647 (2147483647/0)\r\n");
        Assert.Equal(new MessageCounts(int.MaxValue, int.MaxValue, int.MaxValue, 0), s.Counts.Voice);
    }

    [Theory]
    [InlineData("", "empty body")]
    [InlineData("\r\n\r\n", "empty body")]
    [InlineData("Voice-Message: 1/2\r\n", "must start with Messages-Waiting, not Voice-Message")]
    [InlineData("Messages-Waiting: maybe\r\n", "Messages-Waiting must be yes or no")]
    [InlineData("Messages-Waiting: yes\r\nMessages-Waiting: no\r\n", "line 2: duplicate Messages-Waiting")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nvoice-message: 1/2\r\n", "line 3: duplicate voice-message")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 2147483648/0\r\n", "count exceeds 2147483647")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 99999999999999999999999/0\r\n", "count exceeds 2147483647")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2 (2/0)\r\n", "urgent new count (2) exceeds new count (1)")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2 (0/3)\r\n", "urgent old count (3) exceeds old count (2)")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1\r\n", "missing '/'")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: -1/2\r\n", "non-numeric count")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2 (0/0\r\n", "missing ')'")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2 x\r\n", "text after the counts")]
    [InlineData("Messages-Waiting: yes\r\nFoo-Message: 1/2\r\n", "line 2: unknown field Foo-Message")]
    [InlineData("Messages-Waiting: yes\r\nno colon here\r\n", "line 2: no ':'")]
    [InlineData("Messages-Waiting: yes\r\nMessage-Account: not a uri\r\n", "Message-Account is not a URI")]
    [InlineData("Messages-Waiting: yes\r\nMessage-Account: sip:a\r\nMessage-Account: sip:b\r\n", "duplicate Message-Account")]
    [InlineData("Messages-Waiting: yes\r\nVoice\u00e9-Message: 1/2\r\n", "non-ASCII")]
    [InlineData("Messages-Waiting: yes\r\nVoice-Message: 1/2\0\r\n", "control")]
    [InlineData("Messages-Waiting: yes\r\nBad Name: 1/2\r\n", "malformed field name")]
    public void TryParse_Malformed_GivesReason(string body, string reason)
    {
        Assert.False(MessageSummaryParser.TryParse(Encoding.Latin1.GetBytes(body), out var s, out var why));
        Assert.Null(s);
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', why);
        Assert.DoesNotContain('\n', why);
    }

    [Fact]
    public void TryParse_TooLarge_Rejected()
    {
        var body = "Messages-Waiting: yes\r\n\r\n" + new string('x', MessageSummaryParser.MaxBodyLength);
        Assert.False(MessageSummaryParser.TryParse(Encoding.ASCII.GetBytes(body), out _, out var why));
        Assert.Contains("exceeds 8192", why, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NeverReadsPastSlice()
    {
        var bytes = Encoding.ASCII.GetBytes("Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nFax-Message: 3/4\r\n");
        var first = "Messages-Waiting: yes\r\nVoice-Message: 1/2\r\n".Length;
        var s = ParseBytes(bytes.AsSpan(0, first));
        Assert.Null(s.Counts.Fax);
    }

    [Property(MaxTest = 500)]
    public bool WriterThenParser_RoundTrips(NonNegativeInt[] values, bool omitUrgent, byte classMask, bool withAccount)
    {
        var counts = Build(values, classMask, omitUrgent);
        var account = withAccount ? "sip:*97@example.com" : null;
        var body = MessageSummaryWriter.ToArray(counts, account, omitUrgent);
        return MessageSummaryParser.TryParse(body, out var s, out _)
            && s.Counts == counts && s.Account == account && s.MessagesWaiting == counts.Waiting;
    }

    [Property(MaxTest = 2000)]
    public void TryParse_ArbitraryBytes_NeverThrows(byte[] bytes)
    {
        var ok = MessageSummaryParser.TryParse(bytes, out var s, out var why);
        Assert.True(ok ? s is not null && s.Counts.Validate() is null : s is null && why.Length > 0);
    }

    [Property(MaxTest = 2000)]
    public void TryParse_MutatedValidBody_NeverThrowsAndValidatesCounts(int position, byte value)
    {
        var body = MessageSummaryWriter.ToArray(
            new MailboxCounts(new MessageCounts(3, 4, 1, 2), new MessageCounts(1, 1, 0, 0)), "sip:x@y", omitUrgent: false);
        body[(int)((uint)position % (uint)body.Length)] = value;
        if (MessageSummaryParser.TryParse(body, out var s, out _))
        {
            Assert.Null(s.Counts.Validate());
        }
    }

    [Property(MaxTest = 300)]
    public Property TryParse_RandomLinesFromAlphabet_NeverThrows()
    {
        var alphabet = Gen.Elements("Messages-Waiting", ":", " ", "yes", "no", "/", "(", ")", "1", "2147483648", "\r\n", "\n",
            "Voice-Message", "Fax-Message", "none", "\t", "sip:a@b", "Message-Account", "\r");
        var gen = Gen.ListOf(alphabet).Select(parts => string.Concat(parts));
        return Prop.ForAll(gen.ToArbitrary(), text =>
        {
            var ok = MessageSummaryParser.TryParse(Encoding.ASCII.GetBytes(text), out var s, out var why);
            return ok ? s!.Counts.Validate() is null : why.Length > 0;
        });
    }

    private static MailboxCounts Build(NonNegativeInt[] values, byte mask, bool omitUrgent)
    {
        int V(int i) => values.Length == 0 ? 0 : values[i % values.Length].Get;
        MessageCounts C(int k)
        {
            var n = V(4 * k);
            var o = V((4 * k) + 1);
            return omitUrgent ? new MessageCounts(n, o, 0, 0)
                : new MessageCounts(n, o, V((4 * k) + 2) % (n + 1), V((4 * k) + 3) % (o + 1));
        }

        return new MailboxCounts(
            C(0),
            (mask & 1) != 0 ? C(1) : null,
            (mask & 2) != 0 ? C(2) : null,
            (mask & 4) != 0 ? C(3) : null,
            (mask & 8) != 0 ? C(4) : null);
    }

    private static ParsedMessageSummary Parse(string body) => ParseBytes(Encoding.ASCII.GetBytes(body));

    private static ParsedMessageSummary ParseBytes(ReadOnlySpan<byte> body)
    {
        Assert.True(MessageSummaryParser.TryParse(body, out var s, out var why), why);
        return s;
    }
}
