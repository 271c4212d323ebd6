using System.Text.Json.Serialization.Metadata;
using Lantern.Status;

namespace Lantern.Api.V1;

/// <summary>Status routes under <c>/api/v1</c>: endpoints, subscriptions, registrations, upstreams and peers.</summary>
/// <remarks>The read models are resolved per request with <c>GetService</c>: a host without SIP does not register them, and
/// then each route answers 503 instead of failing at start.</remarks>
internal static class StatusEndpoints
{
    /// <summary>Most contacts one PUT may carry; the registrar applies its own, usually lower, limit per endpoint.</summary>
    public const int MaxContacts = 100;

    /// <summary>Longest endpoint id accepted in a path.</summary>
    public const int MaxIdLength = 256;

    private const int MaxExpiresSeconds = 365 * 24 * 3600;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("status");

        group.MapGet("/endpoints", ListEndpoints)
            .WithName("listEndpoints")
            .WithSummary("List endpoints")
            .WithDescription("Every configured endpoint ordered by id: configuration summary (mailboxes, aggregation, unsolicited NOTIFY, authentication kind and permitted networks; never credentials), contacts, subscriptions and the last NOTIFY result.")
            .Produces<StatusListDto<EndpointDto>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/endpoints/{id}", GetEndpoint)
            .WithName("getEndpoint")
            .WithSummary("Get one endpoint")
            .WithDescription("Configuration summary without credentials, contacts, subscriptions and the last NOTIFY result (lastNotify, absent before the first).")
            .Produces<EndpointDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPut("/endpoints/{id}/contacts", PutContacts)
            .WithName("putEndpointContacts")
            .WithSummary("Set an endpoint's API contacts")
            .WithDescription("For networks where another server is the registrar: body {\"contacts\": [{\"uri\": \"sip:1000@192.0.2.7:5060\", \"expiresSeconds\": 3600}]} replaces the contacts previously set through the API (an empty list clears them); registered and static contacts stay. expiresSeconds is optional (absent: until replaced). At most 100 contacts. Returns every contact of the endpoint afterwards.")
            .Accepts<EndpointContactsRequest>("application/json")
            .Produces<EndpointContactsDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/endpoints/{id}:notify", NotifyNow)
            .WithName("notifyEndpoint")
            .WithSummary("Send the endpoint its current state now")
            .WithDescription("One NOTIFY with the current message summary to each live subscription of the endpoint and, when the endpoint takes unsolicited NOTIFYs, to each contact (parts a subscription covers are skipped as usual). Answers when every NOTIFY has its outcome: kind (subscription or contact), target (Call-ID or contact URI), delivered, result (e.g. \"200 OK\", \"timeout\", \"not sent: ...\"). sent is 0 when the endpoint has nothing to send to.")
            .Produces<EndpointNotifyDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/subscriptions", ListSubscriptions)
            .WithName("listSubscriptions")
            .WithSummary("List live MWI subscriptions")
            .WithDescription("Every live message-summary subscription ordered by endpoint then creation: mailboxes, state, dialog, remote address, expiry and the last NOTIFY result (as Asterisk's `sip show subscriptions`).")
            .Produces<StatusListDto<SubscriptionDto>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/registrations", ListRegistrations)
            .WithName("listRegistrations")
            .WithSummary("List contact bindings")
            .WithDescription("Every contact of every endpoint (origin register, static or api) ordered by endpoint then contact, with expiry and the last unsolicited NOTIFY success and failure.")
            .Produces<StatusListDto<RegistrationDto>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/upstreams", ListUpstreams)
            .WithName("listUpstreams")
            .WithSummary("List outbound subscriptions")
            .WithDescription("Every configured upstream ordered by name: state (subscribing, active, retrying, failed-auth, failed-no-notify), granted expiry, last NOTIFY time, last error and next attempt (as Asterisk's `sip show mwi`). Secrets are never shown.")
            .Produces<StatusListDto<UpstreamDto>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/peers", ListPeers)
            .WithName("listPeers")
            .WithSummary("List peers")
            .WithDescription("Every configured peer (server sending unsolicited NOTIFY or PUBLISH) ordered by name: matched networks, target mailbox, live publications, counts accepted and refused, last request and last error.")
            .Produces<StatusListDto<PeerDto>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    internal static IResult ListEndpoints(HttpContext context) =>
        StatusList(context, "endpoint status", (IEndpointStatusReader r) => r.ListEndpoints(), StatusMapping.ToDto, ApiJsonContext.Default.StatusListDtoEndpointDto);

    internal static IResult GetEndpoint(string id, HttpContext context)
    {
        if (context.RequestServices.GetService<IEndpointStatusReader>() is not { } reader)
        {
            return NotAvailable("endpoint status");
        }

        if (!TryEndpointId(id, out var problem))
        {
            return problem!;
        }

        return reader.FindEndpoint(id) is { } endpoint
            ? Results.Json(StatusMapping.ToDto(endpoint), ApiJsonContext.Default.EndpointDto)
            : EndpointNotFound(id, null);
    }

    internal static async Task<IResult> PutContacts(string id, HttpContext context, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<IEndpointContactWriter>() is not { } writer)
        {
            return NotAvailable("setting endpoint contacts");
        }

        if (!TryEndpointId(id, out var problem))
        {
            return problem!;
        }

        var body = await ApiRequests.ReadJsonAsync(context.Request, ApiJsonContext.Default.EndpointContactsRequest, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var raw = body.Value!.Contacts;
        if (raw is null)
        {
            return ApiProblems.BadRequest("contacts is missing; give {\"contacts\": [...]} (an empty list clears the API contacts)");
        }

        if (raw.Count > MaxContacts)
        {
            return ApiProblems.BadRequest($"{raw.Count} contacts given; at most {MaxContacts} are allowed");
        }

        var contacts = new List<EndpointContactInput>(raw.Count);
        var errors = new List<ApiItemError>();
        for (var i = 0; i < raw.Count; i++)
        {
            var c = raw[i];
            if (c is null)
            {
                errors.Add(new ApiItemError(i, "contact is null"));
            }
            else if (string.IsNullOrWhiteSpace(c.Uri))
            {
                errors.Add(new ApiItemError(i, "uri is missing or empty"));
            }
            else if (c.ExpiresSeconds is < 1 or > MaxExpiresSeconds)
            {
                errors.Add(new ApiItemError(i, $"expiresSeconds {c.ExpiresSeconds} is out of range 1..{MaxExpiresSeconds}"));
            }
            else
            {
                contacts.Add(new EndpointContactInput(c.Uri, c.ExpiresSeconds is { } e ? (int)e : null));
            }
        }

        if (errors.Count > 0)
        {
            return InvalidContacts($"contacts[{errors[0].Index}]: {errors[0].Reason}", errors);
        }

        var result = await writer.SetContactsAsync(id, contacts, cancellationToken);
        return result.Status switch
        {
            EndpointContactsStatus.Ok => Results.Json(
                new EndpointContactsDto(id, StatusMapping.ToList(result.Contacts, StatusMapping.ToDto).Items),
                ApiJsonContext.Default.EndpointContactsDto),
            EndpointContactsStatus.NotFound => EndpointNotFound(id, result.Error),
            EndpointContactsStatus.Invalid => InvalidContacts(Detail(result.Error, "a contact is invalid; nothing changed"), null),
            EndpointContactsStatus.Full => ApiProblems.Result(
                StatusCodes.Status503ServiceUnavailable, "registrations-full", "Registration table full", Detail(result.Error, "the registration table is full; nothing changed")),
            _ => ApiProblems.Result(StatusCodes.Status500InternalServerError, "internal-error", "Internal error", $"unexpected contacts status {result.Status}"),
        };
    }

    internal static async Task<IResult> NotifyNow(string id, HttpContext context, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<IEndpointNotifier>() is not { } notifier)
        {
            return NotAvailable("sending a NOTIFY");
        }

        if (!TryEndpointId(id, out var problem))
        {
            return problem!;
        }

        var result = await notifier.NotifyNowAsync(id, cancellationToken);
        if (!result.Found)
        {
            return EndpointNotFound(id, result.Error);
        }

        var items = new List<EndpointNotifyOutcomeDto>(result.Outcomes.Count);
        var delivered = 0;
        foreach (var o in result.Outcomes)
        {
            items.Add(new EndpointNotifyOutcomeDto(o.Kind, o.Target, o.Delivered, o.Result));
            delivered += o.Delivered ? 1 : 0;
        }

        return Results.Json(new EndpointNotifyDto(id, items.Count, delivered, items), ApiJsonContext.Default.EndpointNotifyDto);
    }

    internal static IResult ListSubscriptions(HttpContext context) =>
        StatusList(context, "subscription status", (IEndpointStatusReader r) => r.ListSubscriptions(), StatusMapping.ToDto, ApiJsonContext.Default.StatusListDtoSubscriptionDto);

    internal static IResult ListRegistrations(HttpContext context) =>
        StatusList(context, "registration status", (IEndpointStatusReader r) => r.ListRegistrations(), StatusMapping.ToDto, ApiJsonContext.Default.StatusListDtoRegistrationDto);

    internal static IResult ListUpstreams(HttpContext context) =>
        StatusList(context, "upstream status", (IUpstreamStatusSource s) => s.GetUpstreams(), StatusMapping.ToDto, ApiJsonContext.Default.StatusListDtoUpstreamDto);

    internal static IResult ListPeers(HttpContext context) =>
        StatusList(context, "peer status", (IPeerStatusSource s) => s.GetPeers(), StatusMapping.ToDto, ApiJsonContext.Default.StatusListDtoPeerDto);

    /// <summary>A whole status list from the read model <typeparamref name="TSource"/>, or 503 on a host without it.</summary>
    private static IResult StatusList<TSource, TStatus, TDto>(
        HttpContext context, string what, Func<TSource, IReadOnlyList<TStatus>?> read, Func<TStatus, TDto> toDto, JsonTypeInfo<StatusListDto<TDto>> type)
        where TSource : class =>
        context.RequestServices.GetService<TSource>() is { } source
            ? Results.Json(StatusMapping.ToList(read(source), toDto), type)
            : NotAvailable(what);

    private static bool TryEndpointId(string id, out IResult? problem)
    {
        problem = null;
        if (id.Length is > 0 and <= MaxIdLength && !HasControl(id))
        {
            return true;
        }

        problem = ApiProblems.Result(
            StatusCodes.Status400BadRequest,
            "invalid-endpoint-id",
            "Invalid endpoint id",
            id.Length > MaxIdLength ? $"the endpoint id is longer than {MaxIdLength} characters" : "the endpoint id is empty or contains control characters");
        return false;
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static IResult NotAvailable(string what) => ApiProblems.Result(
        StatusCodes.Status503ServiceUnavailable,
        "status-not-available",
        "Not available",
        $"{what} is not available: this server runs without the SIP module that provides it");

    private static IResult EndpointNotFound(string id, string? error) => ApiProblems.Result(
        StatusCodes.Status404NotFound, "endpoint-not-found", "Endpoint not found", Detail(error, $"endpoint \"{id}\" is not configured"));

    private static IResult InvalidContacts(string detail, IReadOnlyList<ApiItemError>? errors) =>
        ApiProblems.Result(StatusCodes.Status400BadRequest, "invalid-contacts", "Invalid contacts", detail, errors);

    private static string Detail(string? error, string fallback) => string.IsNullOrEmpty(error) ? fallback : error;
}
