namespace Lantern.Api.V1;

/// <summary>The server's own counters over the last minutes, as rates per interval (<c>GET /api/v1/metrics/history</c>).</summary>
/// <param name="Times">The end of each interval; every series has one value per time.</param>
internal sealed record MetricsHistoryDto(int IntervalSeconds, int WindowSeconds, IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<MetricSeriesDto> Series);
