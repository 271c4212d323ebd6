using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

[Trait("RFC", "2782")]
public sealed class UpstreamSrvOrderingTests
{
    [Fact]
    public void Order_LowerPriorityFirst_WhateverTheWeights()
    {
        UpstreamSrvRecord[] records = [new("c", 1, 30, 100), new("a", 1, 10, 0), new("b", 1, 20, 5)];

        var ordered = UpstreamSrvOrdering.Order(records, n => n);

        Assert.Equal(["a", "b", "c"], ordered.Select(r => r.Target));
    }

    [Fact]
    public void Order_SamePriority_PicksByRunningWeightSum()
    {
        UpstreamSrvRecord[] records = [new("light", 1, 10, 10), new("heavy", 1, 10, 90)];

        // A draw of 50 falls past light's running sum (10) into heavy's (100).
        Assert.Equal(["heavy", "light"], UpstreamSrvOrdering.Order(records, n => Math.Min(n, 50)).Select(r => r.Target));

        // A draw of 5 falls within light's share.
        Assert.Equal(["light", "heavy"], UpstreamSrvOrdering.Order(records, n => Math.Min(n, 5)).Select(r => r.Target));
    }

    [Fact]
    public void Order_WeightedDraws_FollowTheWeightsStatistically()
    {
        UpstreamSrvRecord[] records = [new("light", 1, 10, 10), new("heavy", 1, 10, 90)];
        var random = new Random(1234);
        var heavyFirst = 0;
        for (var i = 0; i < 2000; i++)
        {
            if (UpstreamSrvOrdering.Order(records, n => random.Next(n + 1))[0].Target == "heavy")
            {
                heavyFirst++;
            }
        }

        Assert.InRange(heavyFirst, 1700, 1900);
    }

    [Fact]
    public void Order_ZeroWeightsOnly_AllKept()
    {
        UpstreamSrvRecord[] records = [new("x", 1, 0, 0), new("y", 1, 0, 0)];

        Assert.Equal(2, UpstreamSrvOrdering.Order(records, _ => 0).Count);
    }

    [Fact]
    public void Order_DotTarget_Dropped()
    {
        Assert.Empty(UpstreamSrvOrdering.Order([new(".", 0, 0, 0)], _ => 0));
    }
}
