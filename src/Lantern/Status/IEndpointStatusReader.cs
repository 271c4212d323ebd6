namespace Lantern.Status;

/// <summary>Read model of endpoints, registrations and subscriptions for the REST API and the CLI (implemented by the phones layer).</summary>
public interface IEndpointStatusReader
{
    /// <summary>Every configured endpoint, ordered by id.</summary>
    IReadOnlyList<EndpointStatus> ListEndpoints();

    /// <summary>One endpoint, or null when no endpoint has that id.</summary>
    EndpointStatus? FindEndpoint(string id);

    /// <summary>Every live subscription, ordered by endpoint then creation.</summary>
    IReadOnlyList<SubscriptionStatus> ListSubscriptions();

    /// <summary>Every contact binding of every endpoint, ordered by endpoint then contact.</summary>
    IReadOnlyList<RegistrationStatus> ListRegistrations();
}
