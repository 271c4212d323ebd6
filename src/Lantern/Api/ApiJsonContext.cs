using System.Text.Json.Serialization;
using Lantern.Api.Ari;
using Lantern.Api.V1;

namespace Lantern.Api;

/// <summary>Source-generated JSON metadata for every type the HTTP API and the CLI read or write.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    MaxDepth = 16)]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(AriMailbox))]
[JsonSerializable(typeof(IReadOnlyList<AriMailbox>))]
[JsonSerializable(typeof(MailboxDto))]
[JsonSerializable(typeof(MailboxListDto))]
[JsonSerializable(typeof(IReadOnlyList<MailboxDto>))]
[JsonSerializable(typeof(MailboxCountsDto))]
[JsonSerializable(typeof(MailboxDeltaDto))]
[JsonSerializable(typeof(DeleteWhereRequest))]
[JsonSerializable(typeof(DeleteWhereResponse))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(MailboxEventDto))]
[JsonSerializable(typeof(ResyncEventDto))]
[JsonSerializable(typeof(ReadinessDto))]
[JsonSerializable(typeof(EndpointDto))]
[JsonSerializable(typeof(StatusListDto<EndpointDto>))]
[JsonSerializable(typeof(StatusListDto<SubscriptionDto>))]
[JsonSerializable(typeof(StatusListDto<RegistrationDto>))]
[JsonSerializable(typeof(StatusListDto<UpstreamDto>))]
[JsonSerializable(typeof(StatusListDto<PeerDto>))]
[JsonSerializable(typeof(EndpointContactsRequest))]
[JsonSerializable(typeof(EndpointContactsDto))]
[JsonSerializable(typeof(MailboxHistoryDto))]
[JsonSerializable(typeof(EndpointNotifyDto))]
[JsonSerializable(typeof(MetricsHistoryDto))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
