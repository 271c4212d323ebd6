namespace Lantern.Api.V1;

/// <summary>Counts of one message class; on input a missing field means 0.</summary>
internal sealed record MessageCountsDto(long? New, long? Old, long? UrgentNew, long? UrgentOld);
