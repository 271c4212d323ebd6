using BenchmarkDotNet.Attributes;
using Lantern.Mailboxes;
using Lantern.MessageSummary;

namespace Lantern.Benchmarks.MessageSummary;

/// <summary>Writing an RFC 3842 body (voice + fax, with account) into a reused span: the per-NOTIFY body cost.</summary>
[MemoryDiagnoser]
public class MessageSummaryWriterBenchmarks
{
    private readonly byte[] _destination = new byte[MessageSummaryWriter.GetMaxLength(64)];
    private readonly byte[] _account = "sip:1000@pbx.example.com"u8.ToArray();
    private readonly MailboxCounts _counts = MailboxCounts.Empty
        .With(MessageClass.Voice, new MessageCounts(2, 8, 0, 2))
        .With(MessageClass.Fax, new MessageCounts(1, 0, 0, 0));

    [Benchmark]
    public int WriteMessageSummary()
    {
        MessageSummaryWriter.TryWrite(_destination, _counts, _account, omitUrgent: false, out var written);
        return written;
    }
}
