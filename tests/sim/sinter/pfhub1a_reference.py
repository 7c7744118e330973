#!/usr/bin/env python3
"""Independent NumPy implementation of PFHub 1a with the first-order semi-implicit spectral
Cahn-Hilliard scheme stated in issue 6 (complex FFTs, no dealiasing, spectral gradient energy;
the Laplacian is the square of the spectral first derivative, whose Nyquist wavenumber is 0).
Oracle of tests/sim/sinter/pfhub_test.cpp. Run: /usr/bin/python3 pfhub1a_reference.py
Prints the initial free energy, and F and c(0,0) after 500 steps of dt = 0.5 on the 96^2 grid."""
import numpy as np

N, L, dt, M, kappa, rho_s, ca, cb, steps = 96, 200.0, 0.5, 5.0, 2.0, 5.0, 0.3, 0.7, 500
dx = L / N
x = np.arange(N) * dx
X, Y = np.meshgrid(x, x, indexing="ij")
c = 0.5 + 0.01 * (np.cos(0.105 * X) * np.cos(0.11 * Y)
                  + (np.cos(0.13 * X) * np.cos(0.087 * Y)) ** 2
                  + np.cos(0.025 * X - 0.15 * Y) * np.cos(0.07 * X - 0.02 * Y))
k = 2 * np.pi * np.fft.fftfreq(N, d=dx)
k[N // 2] = 0.0  # the derivative of the Nyquist mode is not a real field
KX, KY = np.meshgrid(k, k, indexing="ij")
K2 = KX ** 2 + KY ** 2


def free_energy(c):
    ch = np.fft.fft2(c)
    gx = np.real(np.fft.ifft2(1j * KX * ch))
    gy = np.real(np.fft.ifft2(1j * KY * ch))
    return np.sum(rho_s * (c - ca) ** 2 * (cb - c) ** 2 + kappa / 2 * (gx ** 2 + gy ** 2)) * dx * dx


print(repr(free_energy(c)))
for _ in range(steps):
    dfdc = 2 * rho_s * (c - ca) * (cb - c) * (ca + cb - 2 * c)
    ch = (np.fft.fft2(c) - dt * M * K2 * np.fft.fft2(dfdc)) / (1 + dt * M * kappa * K2 ** 2)
    c = np.real(np.fft.ifft2(ch))
print(repr(free_energy(c)), repr(c[0, 0]))
