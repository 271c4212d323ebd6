using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lantern.Configuration;

/// <summary>Registers <see cref="LanternOptions"/> bound by <see cref="LanternConfigurationBinder"/> and validated at start.</summary>
public static class LanternOptionsServiceCollectionExtensions
{
    /// <summary>Use instead of <c>AddOptions&lt;LanternOptions&gt;().Bind(...)</c>: upstream lines need the custom binder.</summary>
    public static IServiceCollection AddLanternOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LanternOptions>()
            .Configure(options => LanternConfigurationBinder.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<LanternOptions>>(
            new ConfigurationChangeTokenSource<LanternOptions>(Options.DefaultName, configuration));
        services.AddSingleton<IValidateOptions<LanternOptions>, LanternOptionsValidator>();
        return services.TryAddConnectionBudget();
    }

    /// <summary>Registers the process's <see cref="ConnectionBudget"/> unless one is registered; every listener's module calls it.</summary>
    public static IServiceCollection TryAddConnectionBudget(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => ConnectionBudget.ForThisProcess(sp.GetRequiredService<IOptions<LanternOptions>>().Value));
        return services;
    }
}
