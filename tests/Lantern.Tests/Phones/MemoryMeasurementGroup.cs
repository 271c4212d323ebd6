namespace Lantern.Tests.Phones;

/// <summary>Tests that measure the process's live heap run alone: another test's allocations running beside them in parallel
/// showed as hundreds of bytes "retained" per measured cycle on CI.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementGroup
{
    public const string Name = "Memory measurement";
}
