using Lantern.Mailboxes;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

public sealed class MwiSnapshotTests
{
    [Fact]
    public async Task Of_AggregatePart_SumsCountsAndVersionsMissingAsEmpty()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1002", 1, 2);
        await f.SetAsync("1003", 3, 4);
        await f.SetAsync("1003", 5, 4);
        var part = new MwiPart([MailboxId.Parse("1002"), MailboxId.Parse("1003"), MailboxId.Parse("1004")], "*97");

        var s = MwiSnapshot.Of(part, omitUrgent: false, "example.com", f.Mailboxes);

        Assert.Equal(new MessageCounts(6, 6, 0, 0), s.Counts.Voice);
        Assert.Equal(3, s.Version);
        Assert.True(s.Waiting);
        Assert.Equal("sip:*97@example.com", s.MessageAccount);
    }

    [Fact]
    public async Task Of_NoMailboxExists_EmptyNotWaiting()
    {
        await using var f = await PhonesFixture.CreateAsync();

        var s = MwiSnapshot.Of(new MwiPart([MailboxId.Parse("1")], "1"), omitUrgent: true, "example.com", f.Mailboxes);

        Assert.Equal(MailboxCounts.Empty, s.Counts);
        Assert.False(s.Waiting);
        Assert.True(s.OmitUrgent);
    }

    [Fact]
    public void AccountUri_EscapesHash()
    {
        Assert.Equal("sip:12%2334@example.com", MwiSnapshot.AccountUri("12#34", "example.com"));
    }
}
