namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Tests that load the machine on purpose (floods, catastrophic regexes, stalled streams) run on their own, after the
/// others: beside them, timing-sensitive sipp scenarios saw their requests retransmitted on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AttackTestGroup
{
    public const string Name = "attacks";
}
