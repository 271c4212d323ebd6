namespace Lantern.Api.V1;

/// <summary>The most recent NOTIFY sent for an endpoint, over its subscriptions and contacts.</summary>
/// <param name="Kind"><c>subscription</c> or <c>unsolicited</c>.</param>
/// <param name="Target">The subscription's remote target or the contact the NOTIFY went to.</param>
/// <param name="Result">What came of it, e.g. <c>200 OK</c> or <c>timeout</c>.</param>
internal sealed record LastNotifyDto(DateTimeOffset At, string Kind, string Target, string Result, bool Succeeded);
