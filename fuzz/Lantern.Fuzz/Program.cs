using Lantern.Fuzz;

return FuzzTargets.Run(args);
