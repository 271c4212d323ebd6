namespace Lantern.Api.V1;

/// <summary>A whole status listing (<c>/api/v1/endpoints</c>, <c>subscriptions</c>, <c>registrations</c>, <c>upstreams</c>, <c>peers</c>); not paged.</summary>
internal sealed record StatusListDto<T>(IReadOnlyList<T> Items);
