"""The executors: where a job's steps run.

:mod:`.base` is the interface the runners use, :mod:`.local` a Solaris host stood in for by a
folder tree on the worker, :mod:`.ssh` the real Solaris commands over OpenSSH.  Pure: no Django,
no job rows; :mod:`jobs.connect` picks one for a job.
"""
