"""Guardians (wali): their contact, their consent for a minor, and the exemptions from it.

UU 27/2022 (UU PDP) art. 25 asks for a parent's or guardian's consent to process a child's
data; a school counseling office may instead rest on its public duty under the BK rules.
The school chooses (`GUARDIAN_BASIS`); the gate in `gate.py` applies it before a regular
session with a minor starts. A guardian never signs in and never learns what the student
said: she reads the guardian consent document through a one-time link, or signs it on paper.
"""
