namespace Lantern.Api.V1;

/// <summary>Signed changes to one class's counts; a missing field means no change.</summary>
internal sealed record MessageCountsDeltaDto(long? NewDelta, long? OldDelta, long? UrgentNewDelta, long? UrgentOldDelta);
