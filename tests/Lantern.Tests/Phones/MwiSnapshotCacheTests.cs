using System.Text;
using Lantern.Mailboxes;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

public sealed class MwiSnapshotCacheTests
{
    private static readonly MwiPart Part1001 = new([MailboxId.Parse("1001")], "*97");

    [Fact]
    public async Task Get_UnchangedMailbox_SameSnapshotAndBodyBytesShared()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 2, 8);
        var cache = new MwiSnapshotCache("example.com", f.Mailboxes);

        var a = cache.Get(Part1001, omitUrgent: false);
        var b = cache.Get(new MwiPart([MailboxId.Parse("1001")], "*97"), omitUrgent: false);

        Assert.Same(a, b);
        Assert.True(a.Body.Span == b.Body.Span);
        Assert.Equal("Messages-Waiting: yes\r\nMessage-Account: sip:*97@example.com\r\nVoice-Message: 2/8 (0/0)\r\n", Encoding.UTF8.GetString(a.Body.Span));
        Assert.Equal(MwiSnapshot.Of(Part1001, false, "example.com", f.Mailboxes), a);
    }

    [Fact]
    public async Task Get_MailboxChanged_NewStateRead()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 2);
        var cache = new MwiSnapshotCache("example.com", f.Mailboxes);
        var before = cache.Get(Part1001, omitUrgent: false);

        await f.SetAsync("1001", 5);
        var after = cache.Get(Part1001, omitUrgent: false);

        Assert.Equal(5, after.Counts.Voice.New);
        Assert.True(after.Version > before.Version);
        Assert.Contains("Voice-Message: 5/0", Encoding.UTF8.GetString(after.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_DeletedAndRecreatedAtSameVersionWithOtherCounts_NewStateRead()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 2);
        var cache = new MwiSnapshotCache("example.com", f.Mailboxes);
        var before = cache.Get(Part1001, omitUrgent: false);

        await f.DeleteAsync("1001");
        Assert.Equal(MailboxCounts.Empty, cache.Get(Part1001, omitUrgent: false).Counts);
        await f.SetAsync("1001", 7);
        var after = cache.Get(Part1001, omitUrgent: false);

        Assert.Equal(before.Version, after.Version);
        Assert.Equal(7, after.Counts.Voice.New);
    }

    [Fact]
    public async Task Get_PresentationDiffers_SeparateSnapshots()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 1);
        var cache = new MwiSnapshotCache("example.com", f.Mailboxes, slots: 1);

        var full = cache.Get(Part1001, omitUrgent: false);
        var omitted = cache.Get(Part1001, omitUrgent: true);
        var other = cache.Get(new MwiPart([MailboxId.Parse("1001")], "1001"), omitUrgent: false);

        Assert.Contains("(0/0)", Encoding.UTF8.GetString(full.Body.Span), StringComparison.Ordinal);
        Assert.DoesNotContain("(0/0)", Encoding.UTF8.GetString(omitted.Body.Span), StringComparison.Ordinal);
        Assert.Equal("sip:1001@example.com", other.MessageAccount);
        Assert.Equal("sip:*97@example.com", cache.Get(Part1001, omitUrgent: false).MessageAccount);
    }

    [Fact]
    public async Task Get_AggregatePart_SumsLikeOf()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1002", 1);
        await f.SetAsync("1003", 3);
        var cache = new MwiSnapshotCache("example.com", f.Mailboxes);
        var part = new MwiPart([MailboxId.Parse("1002"), MailboxId.Parse("1003")], "1002");

        Assert.Equal(MwiSnapshot.Of(part, false, "example.com", f.Mailboxes), cache.Get(part, omitUrgent: false));
        Assert.Equal(4, cache.Get(part, omitUrgent: false).Counts.Voice.New);
    }
}
