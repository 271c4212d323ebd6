using FsCheck;
using FsCheck.Fluent;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

public sealed class UpstreamBackoffTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(7, 320)]
    [InlineData(8, 600)]
    [InlineData(1000, 600)]
    [InlineData(int.MaxValue, 600)]
    public void Nominal_DoublesFrom5sAndCapsAt10Minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), UpstreamBackoff.Nominal(failures));

    [Fact]
    public void Delay_Extremes_Are20PercentEitherSide()
    {
        Assert.Equal(TimeSpan.FromSeconds(8), UpstreamBackoff.Delay(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(12), UpstreamBackoff.Delay(2, 1));
    }

    [FsCheck.Xunit.Property]
    public Property Delay_AlwaysWithinJitterOfNominal(PositiveInt failures, NormalFloat random) =>
        Prop.ToProperty(Within(failures.Get, Math.Abs(random.Get) % 1));

    private static bool Within(int failures, double random)
    {
        var nominal = UpstreamBackoff.Nominal(failures);
        var delay = UpstreamBackoff.Delay(failures, random);
        return delay >= nominal * 0.8 && delay <= nominal * 1.2 && delay > TimeSpan.Zero;
    }
}
