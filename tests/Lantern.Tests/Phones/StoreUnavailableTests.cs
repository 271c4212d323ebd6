using Lantern.Sip.Messages;

namespace Lantern.Tests.Phones;

public sealed class StoreUnavailableTests
{
    [Fact]
    public async Task Subscribe_RecordCommitFails_503WithRetryAfterNot200()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.F.Store.FailNextBatch = new InvalidOperationException("disk I/O error");

        h.Receive(h.Subscribe("1001", "down1"), PhonesSipHarness.Proxy);

        var r = await h.ResponseAsync("down1");
        Assert.Equal(503, r.StatusCode);
        Assert.Equal("Subscription Store Unavailable", r.ReasonPhrase);
        Assert.Equal("5", r.GetHeader(SipHeaderId.RetryAfter));
    }

    [Fact]
    public async Task Register_RecordCommitFails_503WithRetryAfterNot200()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.F.Store.FailNextBatch = new InvalidOperationException("disk I/O error");

        h.Receive(h.Register("1001", "down2", 1, "<sip:1001@192.0.2.7:5062>"), PhonesSipHarness.Proxy);

        var r = await h.ResponseAsync("down2");
        Assert.Equal(503, r.StatusCode);
        Assert.Equal("Registration Store Unavailable", r.ReasonPhrase);
        Assert.Equal("5", r.GetHeader(SipHeaderId.RetryAfter));
    }
}
