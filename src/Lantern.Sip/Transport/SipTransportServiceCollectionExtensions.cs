using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lantern.Sip.Transport;

/// <summary>Registers the real transports: <see cref="SipTransportManager"/> as itself and as <see cref="ISipTransportLayer"/>.</summary>
/// <remarks>The host still starts it with <see cref="SipTransportManager.StartAsync"/>, passing the stack as receiver, and stops it
/// on shutdown; a <see cref="TimeProvider"/> registration is used when present, else the system clock.</remarks>
public static class SipTransportServiceCollectionExtensions
{
    public static IServiceCollection AddSipTransport(this IServiceCollection services, SipTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new SipTransportManager(
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<ISipTransportLayer>(provider => provider.GetRequiredService<SipTransportManager>());
        return services;
    }
}
