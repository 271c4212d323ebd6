using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

[Trait("RFC", "6665 8.2.3")]
public sealed class UpstreamSubscriptionStateTests
{
    [Fact]
    public void TryParse_ActiveWithExpires()
    {
        Assert.True(UpstreamSubscriptionState.TryParse("active;expires=3600", out var s, out _));
        Assert.Equal(UpstreamSubscriptionPhase.Active, s.Phase);
        Assert.Equal(3600, s.Expires);
    }

    [Fact]
    public void TryParse_TerminatedWithReasonAndRetryAfter_CaseAndSpaceTolerant()
    {
        Assert.True(UpstreamSubscriptionState.TryParse(" Terminated ; Reason=Probation ; retry-after = 30", out var s, out _));
        Assert.Equal(UpstreamSubscriptionPhase.Terminated, s.Phase);
        Assert.Equal("probation", s.Reason);
        Assert.Equal(30, s.RetryAfter);
    }

    [Theory]
    [InlineData(null, "Missing Subscription-State")]
    [InlineData("", "Missing Subscription-State")]
    [InlineData("dormant", "Unknown Subscription-State \"dormant\"")]
    [InlineData("active;expires=soon", "Malformed Subscription-State expires")]
    [InlineData("active;expires=-1", "Malformed Subscription-State expires")]
    [InlineData("terminated;retry-after=99999999999", "Malformed Subscription-State retry-after")]
    public void TryParse_Bad_NamesTheProblem(string? value, string expected)
    {
        Assert.False(UpstreamSubscriptionState.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_TooLong_Refused() =>
        Assert.False(UpstreamSubscriptionState.TryParse("active;" + new string('x', 600), out _, out _));
}
