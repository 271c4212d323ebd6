namespace Lantern.Api.V1;

/// <summary>One line of a console chart: the chart it belongs to, its label, and one value per interval (null: no data).</summary>
internal sealed record MetricSeriesDto(string Chart, string Name, IReadOnlyList<double?> Values);
