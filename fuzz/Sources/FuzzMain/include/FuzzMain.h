// Intentionally empty: the target only provides each fuzz executable's entry point (FuzzMain.c).
